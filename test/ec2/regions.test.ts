/**
 * Where the endpoint serves and what the account may use, end to end through @aws-sdk/client-ec2 and
 * aws-cli: DescribeRegions, DescribeAvailabilityZones (per client region) and DescribeAccountAttributes,
 * with the defaults and with a configuration file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AccountAttributeName, DescribeAccountAttributesCommand, DescribeAvailabilityZonesCommand,
  type DescribeAvailabilityZonesCommandInput, DescribeRegionsCommand, type DescribeRegionsCommandInput, type EC2Client,
} from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
before(async () => {
  s = await startTestServer();
  ec2 = s.client();
});
after(async () => { await s.close(); });

// AWS's commercial regions (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
const NOT_OPT_IN = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
  'sa-east-1',
];
const OPT_IN = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6',
  'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-south-1', 'me-central-1',
  'mx-central-1',
];
const ALL = [...NOT_OPT_IN, ...OPT_IN].sort();

async function regionNames(input: DescribeRegionsCommandInput, client = ec2): Promise<string[]> {
  return ((await client.send(new DescribeRegionsCommand(input))).Regions ?? []).map((r) => r.RegionName!).sort();
}

async function zoneNames(input: DescribeAvailabilityZonesCommandInput, client = ec2): Promise<string[]> {
  return ((await client.send(new DescribeAvailabilityZonesCommand(input))).AvailabilityZones ?? []).map((z) => z.ZoneName!).sort();
}

describe('DescribeRegions', () => {
  test('every AWS region, each with this endpoint and its opt-in status', async () => {
    const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
    assert.deepEqual(Regions!.map((r) => r.RegionName).sort(), ALL);
    for (const r of Regions!) {
      assert.equal(r.Endpoint, s.endpoint, r.RegionName);
      assert.equal(r.OptInStatus, OPT_IN.includes(r.RegionName!) ? 'opted-in' : 'opt-in-not-required', r.RegionName);
    }
    // AllRegions gives the same list here: every region is enabled.
    assert.deepEqual(await regionNames({ AllRegions: true }), ALL);
    // From any region.
    assert.deepEqual(await regionNames({}, s.client(s.alpha, 'eu-west-1')), ALL);
  });

  test('RegionNames selects exactly those', async () => {
    assert.deepEqual(await regionNames({ RegionNames: ['eu-west-1', 'us-east-2'] }), ['eu-west-1', 'us-east-2']);
    assert.deepEqual(await regionNames({ RegionNames: ['af-south-1'] }), ['af-south-1']);
  });

  test('an unknown region name → InvalidParameterValue naming it', async () => {
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: ['us-east-1', 'mars-north-1'] })), 'InvalidParameterValue',
      { status: 400, message: /mars-north-1/ });
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: ['US-EAST-1'] })), 'InvalidParameterValue');
  });

  test('filter region-name with wildcards', async () => {
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['eu-west-*'] }] }), ['eu-west-1', 'eu-west-2', 'eu-west-3']);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['us-?est-1', 'sa-east-1'] }] }), ['sa-east-1', 'us-west-1']);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['eu-west'] }] }), []);
  });

  test('filter opt-in-status', async () => {
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }), [...OPT_IN].sort());
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }] }), [...NOT_OPT_IN].sort());
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] }), []);
  });

  test('filter endpoint; filters combine with AND and with RegionNames', async () => {
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'endpoint', Values: [s.endpoint] }] }), ALL);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'endpoint', Values: ['http://127.0.0.1:*'] }] }), ALL);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'endpoint', Values: ['ec2.us-east-1.amazonaws.com'] }] }), []);
    assert.deepEqual(await regionNames({
      Filters: [{ Name: 'region-name', Values: ['ap-*'] }, { Name: 'opt-in-status', Values: ['opt-in-not-required'] }],
    }), ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2']);
    assert.deepEqual(await regionNames({ RegionNames: ['us-east-1', 'af-south-1'], Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }),
      ['af-south-1']);
  });

  test('an unknown filter → InvalidParameterValue', async () => {
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ Filters: [{ Name: 'continent', Values: ['europe'] }] })), 'InvalidParameterValue',
      { status: 400, message: /continent/ });
  });

  test('through aws-cli', async () => {
    const r = await s.cli(['describe-regions', '--region-names', 'eu-west-1', 'ap-east-1']);
    assert.ok(r.ok, r.stderr);
    const regions = (r.json as { Regions: { RegionName: string; Endpoint: string; OptInStatus: string }[] }).Regions;
    assert.deepEqual(regions.map((x) => `${x.RegionName}:${x.OptInStatus}`).sort(), ['ap-east-1:opted-in', 'eu-west-1:opt-in-not-required']);
    for (const x of regions) assert.equal(x.Endpoint, s.endpoint);
    const f = await s.cli(['describe-regions', '--filters', 'Name=region-name,Values=ca-*']);
    assert.ok(f.ok, f.stderr);
    assert.deepEqual((f.json as { Regions: { RegionName: string }[] }).Regions.map((x) => x.RegionName).sort(), ['ca-central-1', 'ca-west-1']);
    const bad = await s.cli(['describe-regions', '--region-names', 'nowhere-1']);
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });
});

describe('DescribeAvailabilityZones', () => {
  test('the zones of the client region: a, b, c, available, with zone ids', async () => {
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    const zones = [...AvailabilityZones!].sort((a, b) => a.ZoneName!.localeCompare(b.ZoneName!));
    assert.deepEqual(zones.map((z) => z.ZoneName), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    assert.deepEqual(zones.map((z) => z.ZoneId), ['use1-az1', 'use1-az2', 'use1-az3']);
    for (const z of zones) {
      assert.equal(z.State, 'available');
      assert.equal(z.RegionName, 'us-east-1');
      assert.equal(z.ZoneType, 'availability-zone');
      assert.equal(z.OptInStatus, 'opt-in-not-required');
      assert.equal(z.NetworkBorderGroup, 'us-east-1');
    }
  });

  test('a client in eu-west-1 gets eu-west-1a, b, c', async () => {
    const eu = s.client(s.alpha, 'eu-west-1');
    const { AvailabilityZones } = await eu.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(AvailabilityZones!.map((z) => z.ZoneName).sort(), ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    assert.deepEqual(AvailabilityZones!.map((z) => z.ZoneId).sort(), ['euw1-az1', 'euw1-az2', 'euw1-az3']);
    assert.ok(AvailabilityZones!.every((z) => z.RegionName === 'eu-west-1'));
    // Zones of another region are unknown there.
    await expectEc2Error(eu.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1a'] })), 'InvalidParameterValue', { message: /us-east-1a/ });
  });

  test('AllAvailabilityZones lists the same zones', async () => {
    assert.deepEqual(await zoneNames({ AllAvailabilityZones: true }), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  test('ZoneNames and ZoneIds select exactly those', async () => {
    assert.deepEqual(await zoneNames({ ZoneNames: ['us-east-1c', 'us-east-1a'] }), ['us-east-1a', 'us-east-1c']);
    assert.deepEqual(await zoneNames({ ZoneIds: ['use1-az2'] }), ['us-east-1b']);
  });

  test('an unknown zone name or id → InvalidParameterValue naming it', async () => {
    await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1a', 'us-east-1z'] })), 'InvalidParameterValue',
      { status: 400, message: /us-east-1z/ });
    await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az9'] })), 'InvalidParameterValue',
      { status: 400, message: /use1-az9/ });
  });

  test('filters state, zone-name, region-name, zone-type, zone-id', async () => {
    const abc = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'state', Values: ['available'] }] }), abc);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'state', Values: ['impaired', 'unavailable'] }] }), []);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'zone-name', Values: ['us-east-1?'] }] }), abc);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'zone-name', Values: ['*b', 'us-east-1c'] }] }), ['us-east-1b', 'us-east-1c']);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'region-name', Values: ['us-east-1'] }] }), abc);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'region-name', Values: ['eu-west-1'] }] }), []);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] }), abc);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'zone-type', Values: ['local-zone', 'wavelength-zone'] }] }), []);
    assert.deepEqual(await zoneNames({ Filters: [{ Name: 'zone-id', Values: ['use1-az3'] }] }), ['us-east-1c']);
    assert.deepEqual(await zoneNames({
      ZoneNames: ['us-east-1a', 'us-east-1b'], Filters: [{ Name: 'zone-name', Values: ['*b', '*c'] }, { Name: 'state', Values: ['available'] }],
    }), ['us-east-1b']);
  });

  test('an unknown filter → InvalidParameterValue', async () => {
    await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-color', Values: ['x'] }] })),
      'InvalidParameterValue', { status: 400, message: /zone-color/ });
  });

  test('through aws-cli, in eu-west-1', async () => {
    const r = await s.cli(['describe-availability-zones', '--filters', 'Name=zone-name,Values=*a,*c'], s.alpha, 'eu-west-1');
    assert.ok(r.ok, r.stderr);
    const zones = (r.json as { AvailabilityZones: { ZoneName: string; State: string; RegionName: string }[] }).AvailabilityZones;
    assert.deepEqual(zones.map((z) => `${z.ZoneName}:${z.State}:${z.RegionName}`).sort(),
      ['eu-west-1a:available:eu-west-1', 'eu-west-1c:available:eu-west-1']);
    const bad = await s.cli(['describe-availability-zones', '--zone-names', 'eu-west-1q'], s.alpha, 'eu-west-1');
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });
});

const ALL_ATTRIBUTES = [
  'default-vpc', 'max-elastic-ips', 'max-instances', 'supported-platforms', 'vpc-max-elastic-ips', 'vpc-max-security-groups-per-interface',
];

async function attributes(client: EC2Client, names?: string[]): Promise<Record<string, string[]>> {
  const { AccountAttributes } = await client.send(new DescribeAccountAttributesCommand(
    names ? { AttributeNames: names as AccountAttributeName[] } : {},
  ));
  const out: Record<string, string[]> = {};
  for (const a of AccountAttributes ?? []) {
    assert.equal(out[a.AttributeName!], undefined, `${a.AttributeName} listed once`);
    out[a.AttributeName!] = (a.AttributeValues ?? []).map((v) => v.AttributeValue!);
  }
  return out;
}

describe('DescribeAccountAttributes', () => {
  test('all six attributes by default, with the default quotas', async () => {
    const attrs = await attributes(ec2);
    assert.deepEqual(Object.keys(attrs).sort(), ALL_ATTRIBUTES);
    assert.deepEqual(attrs['supported-platforms'], ['VPC']);
    assert.deepEqual(attrs['default-vpc'], ['none']);
    assert.deepEqual(attrs['max-instances'], ['20']);
    assert.deepEqual(attrs['max-elastic-ips'], ['5']);
    assert.deepEqual(attrs['vpc-max-elastic-ips'], ['5']);
    assert.deepEqual(attrs['vpc-max-security-groups-per-interface'], ['5']);
  });

  test('AttributeNames selects exactly those, including names outside the SDK enum', async () => {
    assert.deepEqual(await attributes(ec2, ['default-vpc']), { 'default-vpc': ['none'] });
    assert.deepEqual(await attributes(ec2, ['max-instances', 'supported-platforms']), { 'max-instances': ['20'], 'supported-platforms': ['VPC'] });
    assert.deepEqual(await attributes(ec2, ['vpc-max-security-groups-per-interface']), { 'vpc-max-security-groups-per-interface': ['5'] });
  });

  test('an unknown name → InvalidParameterValue naming it', async () => {
    await expectEc2Error(attributes(ec2, ['default-vpc', 'max-unicorns']), 'InvalidParameterValue', { status: 400, message: /max-unicorns/ });
  });

  test('through aws-cli', async () => {
    const r = await s.cli(['describe-account-attributes', '--attribute-names', 'supported-platforms', 'max-elastic-ips']);
    assert.ok(r.ok, r.stderr);
    const list = (r.json as { AccountAttributes: { AttributeName: string; AttributeValues: { AttributeValue: string }[] }[] }).AccountAttributes;
    assert.deepEqual(list.map((a) => `${a.AttributeName}=${a.AttributeValues.map((v) => v.AttributeValue).join(',')}`).sort(),
      ['max-elastic-ips=5', 'supported-platforms=VPC']);
  });
});

describe('with a configuration file', () => {
  let cs: TestServer;
  let confDir: string;
  before(async () => {
    confDir = mkdtempSync(join(tmpdir(), 'ec2api-conf-'));
    const conf = join(confDir, 'ec2api.conf');
    writeFileSync(conf, [
      'public_endpoint = https://ec2.example.test',
      '[local]',
      'availability_zones = a,b,d,f',
      'max_instances = 7',
      'max_elastic_ips = 0',
      'max_security_groups_per_interface = 16',
      '',
    ].join('\n'));
    cs = await startTestServer({ EC2API_CONFIG: conf });
  });
  after(async () => {
    await cs.close();
    rmSync(confDir, { recursive: true, force: true });
  });

  test('DescribeRegions shows the configured public endpoint', async () => {
    const { Regions } = await cs.client().send(new DescribeRegionsCommand({ RegionNames: ['us-west-2'] }));
    assert.equal(Regions?.[0].Endpoint, 'https://ec2.example.test');
  });

  test('DescribeAvailabilityZones shows the configured zones', async () => {
    const client = cs.client(cs.alpha, 'ap-southeast-2');
    assert.deepEqual(await zoneNames({}, client), ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2d', 'ap-southeast-2f']);
    assert.deepEqual(await zoneNames({ ZoneIds: ['apse2-az4'] }, client), ['ap-southeast-2f']);
    await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['ap-southeast-2c'] })), 'InvalidParameterValue');
  });

  test('DescribeAccountAttributes shows the configured quotas', async () => {
    const attrs = await attributes(cs.client());
    assert.deepEqual(attrs['max-instances'], ['7']);
    assert.deepEqual(attrs['max-elastic-ips'], ['0']);
    assert.deepEqual(attrs['vpc-max-elastic-ips'], ['0']);
    assert.deepEqual(attrs['vpc-max-security-groups-per-interface'], ['16']);
    assert.deepEqual(attrs['supported-platforms'], ['VPC']);
  });
});
