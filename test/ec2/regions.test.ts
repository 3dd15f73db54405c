/**
 * Where the endpoint serves and what the account may use, end to end through @aws-sdk/client-ec2 and
 * aws-cli: DescribeRegions, DescribeAvailabilityZones (per client region) and DescribeAccountAttributes,
 * with the defaults and with a configuration file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  type AccountAttributeName, DescribeAccountAttributesCommand, DescribeAvailabilityZonesCommand,
  type DescribeAvailabilityZonesCommandInput, DescribeRegionsCommand, type DescribeRegionsCommandInput, type EC2Client, type Filter,
} from '@aws-sdk/client-ec2';
import { deleteDefaultVpcs } from '../helpers/cleanup.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, TEST_BACKEND, TESTCLOUD_DIR, type TestServer } from '../helpers/server.js';

const OPENSTACK = TEST_BACKEND === 'openstack';
const AWS_REGIONS = OPENSTACK
  && 'the list of AWS regions is the embedded cloud\'s; OpenStack serves its catalog\'s regions (RegionOne): see the tests of the region in use';
const ABC_ZONES = OPENSTACK
  && 'zones a, b, c with AWS zone ids are the embedded cloud\'s; OpenStack\'s are the zones Nova reports (nova): see the tests on the cloud\'s zones';
const OTHER_REGION = OPENSTACK && 'needs a second region: the OpenStack test cloud has one (RegionOne)';

/** The openstack CLI as a project of the test cloud. */
const openstackCli = async (cloud: string, args: string[]) => (await promisify(execFile)('openstack', ['--os-cloud', cloud, ...args], {
  env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
})).stdout;

let s: TestServer;
let ec2: EC2Client;
/** The endpoint DescribeRegions gives for the region in use: this server, or on OpenStack the catalog's ec2 endpoint. */
let regionEndpoint: string;
/** The zones of the region in use as the cloud reports them: the embedded cloud's defaults, or Nova's (alpha is demo). */
let cloudZones: string[];
before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  if (OPENSTACK) {
    regionEndpoint = JSON.parse(readFileSync(join(TESTCLOUD_DIR, 'endpoints.json'), 'utf8')).ec2;
    const listed = JSON.parse(await openstackCli('demo', ['availability', 'zone', 'list', '--compute', '-f', 'json'])) as { 'Zone Name': string; 'Zone Status': string }[];
    cloudZones = listed.filter((z) => z['Zone Name'] !== 'internal').map((z) => z['Zone Name']).sort();
  } else {
    regionEndpoint = s.endpoint;
    cloudZones = [`${s.region}a`, `${s.region}b`, `${s.region}c`];
  }
});
after(async () => {
  await deleteDefaultVpcs([ec2]);
  await s.close();
});

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
  test('the region in use, with its endpoint and opt-in status; AllRegions and RegionNames agree', async () => {
    const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
    const names = Regions!.map((r) => r.RegionName!).sort();
    assert.ok(names.includes(s.region), JSON.stringify(names));
    for (const r of Regions!) {
      assert.match(r.Endpoint ?? '', /^https?:\/\/\S+$/, r.RegionName);
      assert.ok(['opt-in-not-required', 'opted-in'].includes(r.OptInStatus!), r.RegionName);
    }
    const here = Regions!.find((r) => r.RegionName === s.region)!;
    assert.equal(here.Endpoint, regionEndpoint);
    assert.equal(here.OptInStatus, 'opt-in-not-required');
    assert.deepEqual(await regionNames({ AllRegions: true }), names);
    assert.deepEqual(await regionNames({ RegionNames: [s.region] }), [s.region]);
  });

  test('OpenStack: the catalog\'s regions, RegionOne only; an AWS region is not served', {
    skip: !OPENSTACK && 'the embedded cloud serves every AWS region (tested above)',
  }, async () => {
    const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
    assert.deepEqual(Regions, [{ RegionName: 'RegionOne', Endpoint: regionEndpoint, OptInStatus: 'opt-in-not-required' }]);
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] })), 'InvalidParameterValue', { message: /us-east-1/ });
    // A client signing for a region the cloud does not have is refused.
    for (const region of ['us-east-1', 'eu-west-1', 'RegionTwo']) {
      await expectEc2Error(s.client(s.alpha, region).send(new DescribeRegionsCommand({})), 'AuthFailure', { status: 401, message: new RegExp(region) });
    }
  });

  test('every AWS region, each with this endpoint and its opt-in status', { skip: AWS_REGIONS }, async () => {
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

  test('RegionNames selects exactly those', { skip: AWS_REGIONS }, async () => {
    assert.deepEqual(await regionNames({ RegionNames: ['eu-west-1', 'us-east-2'] }), ['eu-west-1', 'us-east-2']);
    assert.deepEqual(await regionNames({ RegionNames: ['af-south-1'] }), ['af-south-1']);
  });

  test('an unknown region name → InvalidParameterValue naming it', async () => {
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: [s.region, 'mars-north-1'] })), 'InvalidParameterValue',
      { status: 400, message: /mars-north-1/ });
    await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: [s.region.toUpperCase()] })), 'InvalidParameterValue');
  });

  test('filters on the region in use: region-name (exact, wildcards), opt-in-status, endpoint, combined', async () => {
    const pick = async (filters: Filter[], regionNamesIn?: string[]) => regionNames({ Filters: filters, RegionNames: regionNamesIn });
    assert.deepEqual(await pick([{ Name: 'region-name', Values: [s.region] }]), [s.region]);
    assert.ok((await pick([{ Name: 'region-name', Values: [`${s.region.slice(0, 3)}*`] }])).includes(s.region));
    assert.ok((await pick([{ Name: 'region-name', Values: [`${s.region.slice(0, -1)}?`, 'nowhere-*'] }])).includes(s.region));
    // Exact match, not prefix; case-sensitive.
    assert.ok(!(await pick([{ Name: 'region-name', Values: [s.region.slice(0, -1), s.region.toUpperCase()] }])).includes(s.region));
    assert.ok((await pick([{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }])).includes(s.region));
    assert.deepEqual(await pick([{ Name: 'opt-in-status', Values: ['not-opted-in'] }]), []);
    assert.ok((await pick([{ Name: 'endpoint', Values: [regionEndpoint] }])).includes(s.region));
    assert.ok((await pick([{ Name: 'endpoint', Values: [`${regionEndpoint.slice(0, 8)}*`] }])).includes(s.region));
    assert.deepEqual(await pick([{ Name: 'endpoint', Values: ['ec2.us-east-1.amazonaws.com'] }]), []);
    // Filters combine with AND, and with RegionNames.
    assert.deepEqual(await pick([{ Name: 'region-name', Values: [s.region] }, { Name: 'opt-in-status', Values: ['opted-in'] }]), []);
    assert.deepEqual(await pick([{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }], [s.region]), [s.region]);
    assert.deepEqual(await pick([{ Name: 'region-name', Values: ['nowhere-*'] }], [s.region]), []);
  });

  test('filter region-name with wildcards', { skip: AWS_REGIONS }, async () => {
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['eu-west-*'] }] }), ['eu-west-1', 'eu-west-2', 'eu-west-3']);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['us-?est-1', 'sa-east-1'] }] }), ['sa-east-1', 'us-west-1']);
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'region-name', Values: ['eu-west'] }] }), []);
  });

  test('filter opt-in-status', { skip: AWS_REGIONS }, async () => {
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }), [...OPT_IN].sort());
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }] }), [...NOT_OPT_IN].sort());
    assert.deepEqual(await regionNames({ Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] }), []);
  });

  test('filter endpoint; filters combine with AND and with RegionNames', { skip: AWS_REGIONS }, async () => {
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

  test('through aws-cli: the region in use', async () => {
    const r = await s.cli(['describe-regions', '--region-names', s.region]);
    assert.ok(r.ok, r.stderr);
    const regions = (r.json as { Regions: { RegionName: string; Endpoint: string; OptInStatus: string }[] }).Regions;
    assert.deepEqual(regions, [{ RegionName: s.region, Endpoint: regionEndpoint, OptInStatus: 'opt-in-not-required' }]);
    const f = await s.cli(['describe-regions', '--filters', `Name=region-name,Values=${s.region.slice(0, 3)}*`]);
    assert.ok(f.ok, f.stderr);
    assert.ok((f.json as { Regions: { RegionName: string }[] }).Regions.some((x) => x.RegionName === s.region));
    const bad = await s.cli(['describe-regions', '--region-names', 'nowhere-1']);
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });

  test('through aws-cli', { skip: AWS_REGIONS }, async () => {
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
  /** Zone name → zone id, as DescribeAvailabilityZones gives them in the region in use. */
  const ids = new Map<string, string>();
  before(async () => {
    for (const z of (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? []) ids.set(z.ZoneName!, z.ZoneId!);
  });

  test('the zones the cloud reports for the client region: available, each with a zone id', async () => {
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    const zones = [...AvailabilityZones!].sort((a, b) => a.ZoneName!.localeCompare(b.ZoneName!));
    assert.ok(cloudZones.length > 0);
    assert.deepEqual(zones.map((z) => z.ZoneName), cloudZones);
    assert.equal(new Set(zones.map((z) => z.ZoneId)).size, zones.length, 'distinct zone ids');
    for (const z of zones) {
      assert.match(z.ZoneId!, /^[a-z0-9]+-az\d+$/);
      assert.equal(z.State, 'available');
      assert.equal(z.RegionName, s.region);
      assert.equal(z.ZoneType, 'availability-zone');
      assert.equal(z.OptInStatus, 'opt-in-not-required');
      assert.equal(z.NetworkBorderGroup, s.region);
    }
  });

  test('the zones of the client region: a, b, c, available, with zone ids', { skip: ABC_ZONES }, async () => {
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

  test('a client in eu-west-1 gets eu-west-1a, b, c', { skip: OTHER_REGION }, async () => {
    const eu = s.client(s.alpha, 'eu-west-1');
    const { AvailabilityZones } = await eu.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(AvailabilityZones!.map((z) => z.ZoneName).sort(), ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    assert.deepEqual(AvailabilityZones!.map((z) => z.ZoneId).sort(), ['euw1-az1', 'euw1-az2', 'euw1-az3']);
    assert.ok(AvailabilityZones!.every((z) => z.RegionName === 'eu-west-1'));
    // Zones of another region are unknown there.
    await expectEc2Error(eu.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1a'] })), 'InvalidParameterValue', { message: /us-east-1a/ });
  });

  test('AllAvailabilityZones lists the same zones', async () => {
    assert.deepEqual(await zoneNames({ AllAvailabilityZones: true }), cloudZones);
  });

  test('ZoneNames and ZoneIds select exactly those', async () => {
    // On the embedded cloud: us-east-1c and us-east-1a → a, c; use1-az2 → us-east-1b.
    const first = cloudZones[0];
    const last = cloudZones[cloudZones.length - 1];
    const second = cloudZones[1] ?? first;
    assert.deepEqual(await zoneNames({ ZoneNames: [last, first] }), [...new Set([first, last])]);
    assert.deepEqual(await zoneNames({ ZoneIds: [ids.get(second)!] }), [second]);
    assert.deepEqual(await zoneNames({ ZoneNames: [first], ZoneIds: [ids.get(first)!] }), [first]);
  });

  test('an unknown zone name or id → InvalidParameterValue naming it', async () => {
    await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: [cloudZones[0], `${s.region}z`] })), 'InvalidParameterValue',
      { status: 400, message: new RegExp(`${s.region}z`) });
    await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az9'] })), 'InvalidParameterValue',
      { status: 400, message: /use1-az9/ });
  });

  test('filters on the cloud\'s zones: state, zone-name, region-name, zone-type, zone-id, combined', async () => {
    const first = cloudZones[0];
    const pick = async (filters: Filter[], zoneNamesIn?: string[]) => zoneNames({ Filters: filters, ZoneNames: zoneNamesIn });
    assert.deepEqual(await pick([{ Name: 'state', Values: ['available'] }]), cloudZones);
    assert.deepEqual(await pick([{ Name: 'state', Values: ['impaired', 'unavailable'] }]), []);
    assert.deepEqual(await pick([{ Name: 'zone-name', Values: [first] }]), [first]);
    assert.deepEqual(await pick([{ Name: 'zone-name', Values: ['*'] }]), cloudZones);
    assert.ok((await pick([{ Name: 'zone-name', Values: [`${first.slice(0, -1)}?`] }])).includes(first));
    assert.ok((await pick([{ Name: 'zone-name', Values: [`*${first.slice(-1)}`] }])).includes(first));
    // Exact, not prefix; case-sensitive.
    assert.ok(!(await pick([{ Name: 'zone-name', Values: [first.slice(0, -1), first.toUpperCase()] }])).includes(first));
    assert.deepEqual(await pick([{ Name: 'region-name', Values: [s.region] }]), cloudZones);
    assert.deepEqual(await pick([{ Name: 'region-name', Values: ['mars-north-1'] }]), []);
    assert.deepEqual(await pick([{ Name: 'zone-type', Values: ['availability-zone'] }]), cloudZones);
    assert.deepEqual(await pick([{ Name: 'zone-type', Values: ['local-zone', 'wavelength-zone'] }]), []);
    assert.deepEqual(await pick([{ Name: 'zone-id', Values: [ids.get(first)!] }]), [first]);
    assert.deepEqual(await pick([{ Name: 'zone-name', Values: [first] }, { Name: 'state', Values: ['available'] }], [first]), [first]);
    assert.deepEqual(await pick([{ Name: 'zone-name', Values: [first] }, { Name: 'state', Values: ['unavailable'] }]), []);
  });

  test('filters state, zone-name, region-name, zone-type, zone-id', { skip: ABC_ZONES }, async () => {
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

  test('through aws-cli, in the region in use', async () => {
    const first = cloudZones[0];
    const r = await s.cli(['describe-availability-zones', '--filters', `Name=zone-name,Values=${first}`]);
    assert.ok(r.ok, r.stderr);
    const zones = (r.json as { AvailabilityZones: { ZoneName: string; State: string; RegionName: string }[] }).AvailabilityZones;
    assert.deepEqual(zones.map((z) => `${z.ZoneName}:${z.State}:${z.RegionName}`), [`${first}:available:${s.region}`]);
    const bad = await s.cli(['describe-availability-zones', '--zone-names', `${s.region}q`]);
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });

  test('through aws-cli, in eu-west-1', { skip: OTHER_REGION }, async () => {
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

const QUOTA_ATTRIBUTES = ['max-elastic-ips', 'max-instances', 'vpc-max-elastic-ips', 'vpc-max-security-groups-per-interface'];

describe('DescribeAccountAttributes', () => {
  test('all six attributes by default; the quotas are one non-negative integer or unlimited each', async () => {
    const attrs = await attributes(ec2);
    assert.deepEqual(Object.keys(attrs).sort(), ALL_ATTRIBUTES);
    assert.deepEqual(attrs['supported-platforms'], ['VPC']);
    // The project's default VPC, made on first use ([vpc] default_vpc).
    assert.match(attrs['default-vpc'][0], /^vpc-[0-9a-f]{17}$/);
    assert.equal(attrs['default-vpc'].length, 1);
    for (const name of QUOTA_ATTRIBUTES) {
      assert.equal(attrs[name].length, 1, name);
      assert.match(attrs[name][0], /^(0|[1-9]\d*|unlimited)$/, name);
    }
    // Both elastic-IP quotas are the one floating-IP quota.
    assert.deepEqual(attrs['vpc-max-elastic-ips'], attrs['max-elastic-ips']);
  });

  test('OpenStack: the quotas are the project\'s Nova and Neutron quotas', {
    skip: !OPENSTACK && 'the embedded cloud\'s quotas come from its [local] configuration (tested with the defaults and a configuration file)',
  }, async () => {
    const q = JSON.parse(await openstackCli('demo', ['quota', 'show', '-f', 'json'])) as Record<string, unknown>;
    const quota = (n: unknown) => (Number(n) < 0 ? 'unlimited' : String(n));
    const attrs = await attributes(ec2);
    assert.deepEqual(attrs['max-instances'], [quota(q.instances)]);
    assert.deepEqual(attrs['max-elastic-ips'], [quota(q['floating-ips'])]);
  });

  test('the embedded cloud\'s default quotas', {
    skip: OPENSTACK && 'these are the [local] configuration defaults; on OpenStack the values come from Nova and Neutron quotas (tested above)',
  }, async () => {
    const attrs = await attributes(ec2);
    assert.deepEqual(attrs['max-instances'], ['20']);
    assert.deepEqual(attrs['max-elastic-ips'], ['5']);
    assert.deepEqual(attrs['vpc-max-elastic-ips'], ['5']);
    assert.deepEqual(attrs['vpc-max-security-groups-per-interface'], ['5']);
  });

  test('AttributeNames selects exactly those, including names outside the SDK enum', async () => {
    const all = await attributes(ec2);
    assert.deepEqual(await attributes(ec2, ['default-vpc']), { 'default-vpc': all['default-vpc'] });
    assert.deepEqual(await attributes(ec2, ['max-instances', 'supported-platforms']), { 'max-instances': all['max-instances'], 'supported-platforms': ['VPC'] });
    assert.deepEqual(await attributes(ec2, ['vpc-max-security-groups-per-interface']),
      { 'vpc-max-security-groups-per-interface': all['vpc-max-security-groups-per-interface'] });
    assert.deepEqual(await attributes(ec2, ['vpc-max-elastic-ips', 'default-vpc']),
      { 'vpc-max-elastic-ips': all['vpc-max-elastic-ips'], 'default-vpc': all['default-vpc'] });
  });

  test('an unknown name → InvalidParameterValue naming it', async () => {
    await expectEc2Error(attributes(ec2, ['default-vpc', 'max-unicorns']), 'InvalidParameterValue', { status: 400, message: /max-unicorns/ });
  });

  test('through aws-cli', async () => {
    const all = await attributes(ec2);
    const r = await s.cli(['describe-account-attributes', '--attribute-names', 'supported-platforms', 'max-elastic-ips']);
    assert.ok(r.ok, r.stderr);
    const list = (r.json as { AccountAttributes: { AttributeName: string; AttributeValues: { AttributeValue: string }[] }[] }).AccountAttributes;
    assert.deepEqual(list.map((a) => `${a.AttributeName}=${a.AttributeValues.map((v) => v.AttributeValue).join(',')}`).sort(),
      [`max-elastic-ips=${all['max-elastic-ips'].join(',')}`, 'supported-platforms=VPC']);
  });
});

describe('with a configuration file', {
  skip: OPENSTACK && 'a second server from a written configuration file: its [local] zones and quotas are the embedded cloud\'s',
}, () => {
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
