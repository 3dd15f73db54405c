/**
 * Subnets through @aws-sdk/client-ec2 (and aws-cli): inside the VPC's block, no overlap (also under parallel
 * creates), zones, the free address count, delete rules; attributes; IPv6 /64s of the VPC's /56, realized upstream
 * as an IPv6 subnet on the subnet's network; every DescribeSubnets filter; a failing upstream step leaves nothing
 * behind. Every action is also tried from a second project.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssociateSubnetCidrBlockCommand, AssociateVpcCidrBlockCommand, CreateSubnetCommand, CreateVpcCommand, DeleteSubnetCommand,
  DeleteVpcCommand, DescribeSubnetsCommand, DescribeVpcsCommand, DisassociateSubnetCidrBlockCommand, DisassociateVpcCidrBlockCommand,
  type EC2Client, type Filter, ModifySubnetAttributeCommand, type Subnet,
} from '@aws-sdk/client-ec2';
import type { CloudContext, NetworkService } from '../../../src/cloud/provider.js';
import { ProviderError } from '../../../src/cloud/errors.js';
import { formatCidr, parseCidr } from '../../../src/kit/ip.js';
import { deleteDefaultVpcs, newRunId } from '../../helpers/cleanup.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let beta: EC2Client;
let vpcId: string;
let v6VpcId: string;
/** The IPv6 /56 of v6VpcId. */
let v6Block: string;
const run = newRunId();

/** The network service the server uses: tests wrap its methods to see the caller's context or to inject failures. */
type Net = Record<string, (...args: unknown[]) => Promise<unknown>>;
const net = () => s.app.cloud.network as unknown as Net;
/** The provider context of alpha's requests, captured from a call the server makes upstream. */
let alphaCloud: CloudContext | undefined;

async function withSpy<T>(method: keyof NetworkService, spy: (orig: (...a: unknown[]) => Promise<unknown>, ...a: unknown[]) => Promise<unknown>, body: () => Promise<T>): Promise<T> {
  const n = net();
  const orig = n[method];
  n[method] = (...a: unknown[]) => spy(orig.bind(n), ...a);
  try {
    return await body();
  } finally {
    n[method] = orig;
  }
}

/** The n-th /64 of a /56. */
const slash64 = (block56: string, n: number) => {
  const c = parseCidr(block56);
  assert.ok(c);
  const network = c.network + (BigInt(n) << 64n);
  return formatCidr({ version: 6, network, prefix: 64, last: network + (1n << 64n) - 1n });
};

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  beta = s.client(s.beta);
  const tags = [{ ResourceType: 'vpc' as const, Tags: [{ Key: 'run', Value: run }] }];
  // The provider context of alpha's requests, for looking at upstream objects.
  await withSpy('createRouter', async (orig, ctx, ...rest) => {
    alphaCloud = { ...(ctx as CloudContext), signal: undefined };
    return orig(ctx, ...rest);
  }, async () => {
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', TagSpecifications: tags }))).Vpc?.VpcId as string;
  });
  const v6 = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.31.0.0/16', AmazonProvidedIpv6CidrBlock: true, TagSpecifications: tags }))).Vpc;
  v6VpcId = v6?.VpcId as string;
  v6Block = v6?.Ipv6CidrBlockAssociationSet?.[0].Ipv6CidrBlock as string;
});
after(async () => {
  try {
    for (const VpcId of [vpcId, v6VpcId].filter(Boolean)) {
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [VpcId] }] }));
      for (const sn of Subnets ?? []) {
        await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: sn.SubnetId, AssignIpv6AddressOnCreation: { Value: false } })).catch(() => undefined);
        await ec2.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId })).catch(() => undefined);
      }
      await ec2.send(new DeleteVpcCommand({ VpcId })).catch(() => undefined);
    }
    await deleteDefaultVpcs([ec2, beta]);
  } finally {
    await s.close();
  }
});

const subnetIds = async (client: EC2Client, Filters: Filter[]) =>
  ((await client.send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? []).map((x) => x.SubnetId).sort();
const one = async (id: string) => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.[0] as Subnet;

test('CreateSubnet: the block, the zone, AWS reserves five addresses; DescribeSubnets by id and filter', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: '10.30.1.0/24', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'k', Value: 'v' }] }],
  }));
  assert.match(Subnet?.SubnetId ?? '', /^subnet-[0-9a-f]{17}$/);
  assert.equal(Subnet?.AvailableIpAddressCount, 251);
  assert.equal(Subnet?.VpcId, vpcId);
  assert.deepEqual(Subnet?.Ipv6CidrBlockAssociationSet, []);
  assert.equal(Subnet?.DefaultForAz, false);
  assert.equal(Subnet?.MapPublicIpOnLaunch, false);
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(Subnets?.map((x) => x.SubnetId), [Subnet?.SubnetId]);
  assert.equal(Subnets?.[0].AvailableIpAddressCount, 251);
  assert.equal(Subnets?.[0].CidrBlock, '10.30.1.0/24');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.128/25' })), 'InvalidSubnet.Conflict');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.31.1.0/24' })), 'InvalidSubnet.Range');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.2.0/24', AvailabilityZone: 'nowhere-1z' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.2.0/24', Ipv6CidrBlock: slash64(v6Block, 1) })), 'InvalidSubnet.Range');
  await expectEc2Error(beta.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.2.0/24' })), 'InvalidVpcID.NotFound');
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
  await expectEc2Error(beta.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId })), 'InvalidSubnetID.NotFound');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [Subnet?.SubnetId as string] })), 'InvalidSubnetID.NotFound');
});

test('parallel CreateSubnet calls in one VPC: exactly a set of non-overlapping blocks succeeds, no two subnets overlap', async () => {
  // Fewer on the shared test cloud, whose single Neutron API worker answers ten parallel creates (30 router calls) late.
  const blocks = s.backend === 'openstack'
    ? ['10.30.16.0/24', '10.30.16.0/25', '10.30.17.0/24', '10.30.17.0/24', '10.30.16.0/23', '10.30.20.0/24']
    : ['10.30.16.0/24', '10.30.16.0/25', '10.30.16.128/25', '10.30.17.0/24', '10.30.17.0/24', '10.30.18.0/23',
      '10.30.19.0/24', '10.30.20.0/24', '10.30.21.0/24', '10.30.16.0/22'];
  const results = await Promise.allSettled(blocks.map((CidrBlock) => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock }))));
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.Subnet as Subnet] : []));
  const overlap = (a: string, b: string) => {
    const x = parseCidr(a);
    const y = parseCidr(b);
    assert.ok(x && y);
    return x.network <= y.last && y.network <= x.last;
  };
  for (const [i, r] of results.entries()) {
    // The test cloud's single Neutron API worker serializes router updates: a parallel create may wait past the
    // 10 s upstream timeout there. Such a create must still leave nothing behind (checked below); it proves no overlap.
    if (r.status === 'rejected' && s.backend === 'openstack' && (r.reason as { name?: string }).name === 'Unavailable') continue;
    if (r.status === 'rejected') {
      assert.equal((r.reason as { name?: string }).name, 'InvalidSubnet.Conflict', String(r.reason));
      // Refused only for a block that one of the created subnets overlaps.
      assert.ok(ok.some((sn) => overlap(sn.CidrBlock as string, blocks[i])), blocks[i]);
    }
  }
  for (const [i, a] of ok.entries()) for (const b of ok.slice(i + 1)) assert.ok(!overlap(a.CidrBlock as string, b.CidrBlock as string), `${a.CidrBlock} ${b.CidrBlock}`);
  // The blocks no other one overlaps always succeed.
  const unavailable = results.flatMap((r, i) => (r.status === 'rejected' && (r.reason as { name?: string }).name === 'Unavailable' ? [blocks[i]] : []));
  for (const free of ['10.30.20.0/24', '10.30.21.0/24'].filter((b) => blocks.includes(b) && !unavailable.includes(b))) {
    assert.ok(ok.some((sn) => sn.CidrBlock === free), free);
  }
  const listed = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [];
  assert.deepEqual(listed.map((x) => x.SubnetId).sort(), ok.map((x) => x.SubnetId).sort());
  for (const sn of ok) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId }));
});

test('a failing upstream step of CreateSubnet (the router interface) leaves no network, no subnet, no EC2 subnet', async () => {
  const networks: string[] = [];
  let caller: CloudContext | undefined;
  await withSpy('createNetwork', async (orig, ctx, ...rest) => {
    caller = { ...(ctx as CloudContext), signal: undefined };
    const n = (await orig(ctx, ...rest)) as { id: string };
    networks.push(n.id);
    return n;
  }, () => withSpy('addRouterInterface', async () => {
    throw new ProviderError('Conflict', 'injected: the router is gone');
  }, async () => {
    await assert.rejects(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.40.0/24' })));
  }));
  assert.equal(networks.length, 1);
  assert.ok(caller);
  const n = s.app.cloud.network;
  assert.equal(await n.getNetwork(caller, networks[0]), undefined);
  assert.deepEqual((await n.listSubnets(caller, { filters: { networkId: [networks[0]] } })).items, []);
  assert.deepEqual(await subnetIds(ec2, [{ Name: 'cidr-block', Values: ['10.30.40.0/24'] }]), []);
  // And the block is free for a create that works.
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.40.0/24' }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
});

test('a router attach that fails after it happened upstream (a timeout) is undone as well', async () => {
  const networks: string[] = [];
  let caller: CloudContext | undefined;
  await withSpy('createNetwork', async (orig, ctx, ...rest) => {
    caller = { ...(ctx as CloudContext), signal: undefined };
    const n = (await orig(ctx, ...rest)) as { id: string };
    networks.push(n.id);
    return n;
  }, () => withSpy('addRouterInterface', async (orig, ...args) => {
    await orig(...args);
    throw new ProviderError('Timeout', 'injected: no answer in time');
  }, async () => {
    await assert.rejects(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.41.0/24' })));
  }));
  assert.ok(caller);
  assert.equal(await s.app.cloud.network.getNetwork(caller, networks[0]), undefined);
  assert.deepEqual(await subnetIds(ec2, [{ Name: 'cidr-block', Values: ['10.30.41.0/24'] }]), []);
});

test('ModifySubnetAttribute: one attribute per call, each shown by DescribeSubnets and its filter', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.3.0/24' }));
  const SubnetId = Subnet?.SubnetId as string;
  const mine = { Name: 'vpc-id', Values: [vpcId] };
  assert.deepEqual(Subnet?.PrivateDnsNameOptionsOnLaunch, { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false });
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, MapPublicIpOnLaunch: { Value: true } }));
  assert.equal((await one(SubnetId)).MapPublicIpOnLaunch, true);
  assert.deepEqual(await subnetIds(ec2, [mine, { Name: 'map-public-ip-on-launch', Values: ['true'] }]), [SubnetId]);
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, EnableDns64: { Value: true } }));
  assert.equal((await one(SubnetId)).EnableDns64, true);
  assert.deepEqual(await subnetIds(ec2, [mine, { Name: 'enable-dns64', Values: ['true'] }]), [SubnetId]);
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, PrivateDnsHostnameTypeOnLaunch: 'resource-name' }));
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, EnableResourceNameDnsARecordOnLaunch: { Value: true } }));
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, EnableResourceNameDnsAAAARecordOnLaunch: { Value: true } }));
  assert.deepEqual((await one(SubnetId)).PrivateDnsNameOptionsOnLaunch, { HostnameType: 'resource-name', EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: true });
  for (const Name of ['private-dns-name-options-on-launch.hostname-type', 'private-dns-name-options-on-launch.enable-resource-name-dns-a-record',
    'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record']) {
    const value = Name.endsWith('hostname-type') ? 'resource-name' : 'true';
    assert.deepEqual(await subnetIds(ec2, [mine, { Name, Values: [value] }]), [SubnetId], Name);
  }
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId, PrivateDnsHostnameTypeOnLaunch: 'unicorn' as 'ip-name' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId, MapPublicIpOnLaunch: { Value: false }, EnableDns64: { Value: false } })),
    'InvalidParameterCombination');
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId })), 'MissingParameter');
  // IPv6 addresses on launch need an IPv6 block.
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId, AssignIpv6AddressOnCreation: { Value: true } })), 'InvalidParameterValue');
  assert.equal((await one(SubnetId)).AssignIpv6AddressOnCreation, false);
  // The other project changes nothing.
  await expectEc2Error(beta.send(new ModifySubnetAttributeCommand({ SubnetId, MapPublicIpOnLaunch: { Value: false } })), 'InvalidSubnetID.NotFound');
  assert.equal((await one(SubnetId)).MapPublicIpOnLaunch, true);
  // aws-cli
  const cli = await s.cli(['modify-subnet-attribute', '--subnet-id', SubnetId, '--no-map-public-ip-on-launch']);
  assert.ok(cli.ok, cli.stderr);
  assert.equal((await one(SubnetId)).MapPublicIpOnLaunch, false);
  await ec2.send(new DeleteSubnetCommand({ SubnetId }));
});

test('IPv6: CreateSubnet with a /64, AssociateSubnetCidrBlock / DisassociateSubnetCidrBlock, upstream an IPv6 subnet on the network', async () => {
  const first = slash64(v6Block, 1);
  const created = await ec2.send(new CreateSubnetCommand({ VpcId: v6VpcId, CidrBlock: '10.31.1.0/24', Ipv6CidrBlock: first }));
  const a = created.Subnet?.Ipv6CidrBlockAssociationSet?.[0];
  assert.equal(a?.Ipv6CidrBlock, first);
  assert.match(a?.AssociationId ?? '', /^subnet-cidr-assoc-[0-9a-f]{17}$/);
  assert.equal(a?.Ipv6CidrBlockState?.State, 'associated');
  const withV6 = created.Subnet?.SubnetId as string;

  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: v6VpcId, CidrBlock: '10.31.2.0/24' }));
  const SubnetId = Subnet?.SubnetId as string;
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: first })), 'InvalidSubnet.Conflict');
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: 'fd00:dead:beef::/64' })), 'InvalidSubnet.Range');
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: `${v6Block.split('/')[0]}/60` })), 'InvalidSubnet.Range');
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: '10.31.2.0/24' })), 'InvalidParameterValue');
  await expectEc2Error(beta.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: slash64(v6Block, 2) })), 'InvalidSubnetID.NotFound');
  const v6Subnets: { cidr: string; ipVersion: number; networkId: string; id: string }[] = [];
  const r = await withSpy('createSubnet', async (orig, ...args) => {
    const made = (await orig(...args)) as (typeof v6Subnets)[number];
    v6Subnets.push(made);
    return made;
  }, () => ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: slash64(v6Block, 2) })));
  assert.equal(r.SubnetId, SubnetId);
  assert.equal(r.Ipv6CidrBlockAssociation?.Ipv6CidrBlock, slash64(v6Block, 2));
  assert.equal(r.Ipv6CidrBlockAssociation?.Ipv6CidrBlockState?.State, 'associating');
  const assoc = r.Ipv6CidrBlockAssociation?.AssociationId as string;
  // Upstream: an IPv6 subnet of that block on the subnet's own network.
  assert.equal(v6Subnets.length, 1);
  assert.equal(v6Subnets[0].ipVersion, 6);
  assert.equal(v6Subnets[0].cidr, slash64(v6Block, 2));
  assert.ok(alphaCloud);
  const upstreamV4 = await s.app.cloud.network.listSubnets(alphaCloud, { filters: { networkId: [v6Subnets[0].networkId] } });
  assert.deepEqual(upstreamV4.items.map((x) => x.ipVersion).sort(), [4, 6]);
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId, Ipv6CidrBlock: slash64(v6Block, 3) })), 'CidrLimitExceeded');

  const d = await one(SubnetId);
  assert.deepEqual(d.Ipv6CidrBlockAssociationSet?.map((x) => [x.AssociationId, x.Ipv6CidrBlock, x.Ipv6CidrBlockState?.State]), [[assoc, slash64(v6Block, 2), 'associated']]);
  const v6 = { Name: 'vpc-id', Values: [v6VpcId] };
  assert.deepEqual(await subnetIds(ec2, [v6, { Name: 'ipv6-cidr-block-association.ipv6-cidr-block', Values: [slash64(v6Block, 2)] }]), [SubnetId]);
  assert.deepEqual(await subnetIds(ec2, [v6, { Name: 'ipv6-cidr-block-association.association-id', Values: [assoc] }]), [SubnetId]);
  assert.deepEqual(await subnetIds(ec2, [v6, { Name: 'ipv6-cidr-block-association.state', Values: ['associated'] }]), [withV6, SubnetId].sort());

  // In use: AssignIpv6AddressOnCreation keeps the block; the VPC's /56 cannot go while subnets have /64s of it.
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, AssignIpv6AddressOnCreation: { Value: true } }));
  assert.equal((await one(SubnetId)).AssignIpv6AddressOnCreation, true);
  await expectEc2Error(ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc })), 'InvalidCidrBlock.InUse', { message: /assign-ipv6-address-on-creation/ });
  const vpcAssoc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [v6VpcId] }))).Vpcs?.[0].Ipv6CidrBlockAssociationSet?.[0].AssociationId;
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: vpcAssoc })), 'InvalidCidrBlock.InUse');
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, AssignIpv6AddressOnCreation: { Value: false } }));
  await expectEc2Error(beta.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc })), 'InvalidSubnetCidrBlockAssociationID.NotFound');
  await expectEc2Error(ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: 'subnet-cidr-assoc-0123456789abcdef0' })), 'InvalidSubnetCidrBlockAssociationID.NotFound');
  await expectEc2Error(ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: 'subnet-1' })), 'InvalidSubnetCidrBlockAssociationID.Malformed');
  const gone = await ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc }));
  assert.equal(gone.SubnetId, SubnetId);
  assert.equal(gone.Ipv6CidrBlockAssociation?.Ipv6CidrBlockState?.State, 'disassociating');
  assert.equal(gone.Ipv6CidrBlockAssociation?.Ipv6CidrBlock, slash64(v6Block, 2));
  assert.deepEqual((await one(SubnetId)).Ipv6CidrBlockAssociationSet, []);
  const after = await s.app.cloud.network.listSubnets(alphaCloud, { filters: { networkId: [v6Subnets[0].networkId] } });
  assert.deepEqual(after.items.map((x) => x.ipVersion), [4]);
  // The /64 is free again: aws-cli takes it.
  const cli = await s.cli(['associate-subnet-cidr-block', '--subnet-id', SubnetId, '--ipv6-cidr-block', slash64(v6Block, 2)]);
  assert.ok(cli.ok, cli.stderr);
  for (const id of [SubnetId, withV6]) await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
});

test('DescribeSubnets: every filter AWS documents; the other project sees none', async () => {
  const a = (await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: '10.30.5.0/24', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: `a-${run}` }] }],
  }))).Subnet as Subnet;
  const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.6.0/25' }))).Subnet as Subnet;
  const both = [a.SubnetId, b.SubnetId].sort();
  const mine = { Name: 'vpc-id', Values: [vpcId] };
  const cases: [string, string[], (string | undefined)[]][] = [
    ['availability-zone', [a.AvailabilityZone as string], both],
    ['availability-zone-id', [a.AvailabilityZoneId as string], both],
    ['available-ip-address-count', ['123'], [b.SubnetId]],
    ['cidr-block', ['10.30.5.0/24'], [a.SubnetId]],
    ['cidr', ['10.30.6.0/25'], [b.SubnetId]],
    ['cidrBlock', ['10.30.5.0/24'], [a.SubnetId]],
    ['customer-owned-ipv4-pool', ['x'], []],
    ['default-for-az', ['false'], both],
    ['defaultForAz', ['true'], []],
    ['enable-dns64', ['false'], both],
    ['enable-lni-at-device-index', ['1'], []],
    ['ipv6-cidr-block-association.ipv6-cidr-block', ['*'], []],
    ['ipv6-native', ['false'], both],
    ['map-customer-owned-ip-on-launch', ['false'], both],
    ['map-public-ip-on-launch', ['false'], both],
    ['outpost-arn', ['*'], []],
    ['owner-id', [a.OwnerId as string], both],
    ['private-dns-name-options-on-launch.hostname-type', ['ip-name'], both],
    ['state', ['available'], both],
    ['subnet-arn', [a.SubnetArn as string], [a.SubnetId]],
    ['subnet-id', [b.SubnetId as string], [b.SubnetId]],
    ['tag:Name', [`a-${run}`], [a.SubnetId]],
    ['tag-key', ['Name'], [a.SubnetId]],
    ['tag-value', [`a-${run}`], [a.SubnetId]],
  ];
  for (const [Name, Values, want] of cases) {
    assert.deepEqual(await subnetIds(ec2, [{ Name, Values }, mine]), [...want].sort(), `${Name}=${Values}`);
  }
  assert.match(a.SubnetArn ?? '', new RegExp(`^arn:aws:ec2:${s.region}:${a.OwnerId}:subnet/${a.SubnetId}$`));
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'unicorns', Values: ['x'] }] })), 'InvalidParameterValue');
  // Paging
  const page = await ec2.send(new DescribeSubnetsCommand({ Filters: [mine], MaxResults: 5 }));
  assert.deepEqual(page.Subnets?.map((x) => x.SubnetId).sort(), both);
  assert.equal(page.NextToken, undefined);
  // beta
  assert.deepEqual(await subnetIds(beta, [mine]), []);
  await expectEc2Error(beta.send(new DescribeSubnetsCommand({ SubnetIds: [a.SubnetId as string] })), 'InvalidSubnetID.NotFound');
  // aws-cli
  const cli = await s.cli(['describe-subnets', '--filters', `Name=vpc-id,Values=${vpcId}`, 'Name=cidr-block,Values=10.30.6.0/25']);
  assert.ok(cli.ok, cli.stderr);
  assert.deepEqual((cli.json as { Subnets: Subnet[] }).Subnets.map((x) => x.SubnetId), [b.SubnetId]);
  for (const x of [a, b]) await ec2.send(new DeleteSubnetCommand({ SubnetId: x.SubnetId }));
});

test('a subnet in a secondary block of the VPC', async () => {
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.32.0.0/20' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.32.1.0/24' }));
  assert.equal(Subnet?.CidrBlock, '10.32.1.0/24');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.32.0.0/16' })), 'InvalidSubnet.Range');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
});
