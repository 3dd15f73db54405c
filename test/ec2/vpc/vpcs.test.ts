/**
 * VPCs through @aws-sdk/client-ec2 (and aws-cli): create with its main route table, default group and ACL; describe
 * with every filter; attributes, tenancy, secondary IPv4 and Amazon-provided IPv6 blocks; the default VPC (made once
 * on first use, CreateDefaultVpc, CreateDefaultSubnet, the default-vpc account attribute). Every action is also
 * tried from a second project, which sees and changes nothing of the first's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AssociateVpcCidrBlockCommand, DeleteInternetGatewayCommand, DescribeDhcpOptionsCommand, DescribeInternetGatewaysCommand, DescribeRouteTablesCommand,
  DetachInternetGatewayCommand, CreateDefaultSubnetCommand, CreateDefaultVpcCommand, CreateSubnetCommand, CreateVpcCommand,
  DeleteSubnetCommand, DeleteVpcCommand, DescribeAccountAttributesCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand,
  DescribeVpcsCommand, DisassociateVpcCidrBlockCommand, type EC2Client, type Filter, ModifyVpcAttributeCommand, ModifyVpcTenancyCommand,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { deleteDefaultVpcs, newRunId } from '../../helpers/cleanup.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let beta: EC2Client;
const run = newRunId();
/** VPCs a test made (deleted in after() if a test failed before deleting them). */
const made = new Set<string>();

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  beta = s.client(s.beta);
});
after(async () => {
  try {
    for (const client of [ec2, beta]) {
      for (const VpcId of made) {
        const { Subnets } = await client.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [VpcId] }] }));
        for (const sn of Subnets ?? []) await client.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId })).catch(() => undefined);
        await client.send(new DeleteVpcCommand({ VpcId })).catch(() => undefined);
      }
    }
    await deleteDefaultVpcs([ec2, beta]);
  } finally {
    await s.close();
  }
});

async function newVpc(cidr: string, extra: Partial<ConstructorParameters<typeof CreateVpcCommand>[0]> = {}): Promise<Vpc> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({
    CidrBlock: cidr, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'run', Value: run }] }], ...extra,
  }));
  made.add(Vpc?.VpcId as string);
  return Vpc as Vpc;
}
async function dropVpc(id: string) {
  await ec2.send(new DeleteVpcCommand({ VpcId: id }));
  made.delete(id);
}
const describeOne = async (id: string) => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0] as Vpc;
const ids = async (client: EC2Client, Filters: Filter[]) =>
  ((await client.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []).map((v) => v.VpcId).sort();
const defaultVpcAttr = async (client: EC2Client) => (await client.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] })))
  .AccountAttributes?.[0].AttributeValues?.map((v) => v.AttributeValue);

describe('the default VPC', () => {
  test('made once on first use, even by parallel first requests: 172.31.0.0/16, a default /20 per zone; per project', async () => {
    // beta's very first requests, all at once: exactly one default VPC.
    const answers = await Promise.all([
      beta.send(new DescribeVpcsCommand({})), beta.send(new DescribeVpcsCommand({})),
      beta.send(new DescribeSubnetsCommand({})), beta.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })),
    ]);
    const betaDefault = answers[0].Vpcs?.filter((v) => v.IsDefault) ?? [];
    assert.equal(betaDefault.length, 1, 'beta: one default VPC');
    for (const a of [answers[1], answers[3]]) assert.deepEqual(a.Vpcs?.map((v) => v.VpcId), betaDefault.map((v) => v.VpcId), 'beta: the same default VPC');
    assert.deepEqual(await ids(beta, [{ Name: 'is-default', Values: ['true'] }]), [betaDefault[0].VpcId]);

    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    assert.equal(Vpcs?.length, 1);
    const v = Vpcs?.[0] as Vpc;
    assert.notEqual(v.VpcId, betaDefault[0].VpcId);
    assert.equal(v.CidrBlock, '172.31.0.0/16');
    assert.equal(v.IsDefault, true);
    assert.equal(v.State, 'available');
    assert.equal(v.InstanceTenancy, 'default');
    assert.deepEqual(await defaultVpcAttr(ec2), [v.VpcId]);
    const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: v.VpcId, Attribute: 'enableDnsHostnames' }));
    assert.equal(hostnames.EnableDnsHostnames?.Value, true);

    const zones = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [v.VpcId as string] }] }))).Subnets ?? [];
    assert.notEqual(zones.length, 0, 'default subnets');
    const byZone = [...zones].sort((a, b) => (a.AvailabilityZone as string).localeCompare(b.AvailabilityZone as string));
    byZone.forEach((sn, i) => {
      assert.equal(sn.CidrBlock, `172.31.${16 * i}.0/20`);
      assert.equal(sn.DefaultForAz, true);
      assert.equal(sn.MapPublicIpOnLaunch, true);
      assert.equal(sn.AvailableIpAddressCount, 4091);
    });
    assert.equal(new Set(zones.map((z) => z.AvailabilityZone)).size, zones.length);
    // An internet gateway attached to it, and the main route table's default route to it.
    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [v.VpcId as string] }] }))).InternetGateways ?? [];
    assert.equal(igws.length, 1);
    assert.deepEqual(igws[0].Attachments, [{ State: 'available', VpcId: v.VpcId }]);
    const [main] = (await ec2.send(new DescribeRouteTablesCommand({
      Filters: [{ Name: 'vpc-id', Values: [v.VpcId as string] }, { Name: 'association.main', Values: ['true'] }],
    }))).RouteTables ?? [];
    assert.deepEqual(main.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.State]), [
      ['172.31.0.0/16', 'local', 'active'], ['0.0.0.0/0', igws[0].InternetGatewayId, 'active'],
    ]);
    // The other project sees neither the default VPC nor its subnets.
    await expectEc2Error(beta.send(new DescribeVpcsCommand({ VpcIds: [v.VpcId as string] })), 'InvalidVpcID.NotFound');
    assert.deepEqual((await beta.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [v.VpcId as string] }] }))).Subnets, []);
    await expectEc2Error(ec2.send(new CreateDefaultVpcCommand({})), 'DefaultVpcAlreadyExists');
    await expectEc2Error(ec2.send(new CreateDefaultSubnetCommand({ AvailabilityZone: byZone[0].AvailabilityZone })), 'DefaultSubnetAlreadyExistsInAvailabilityZone');
  });

  test('deleted, it stays deleted; CreateDefaultVpc and CreateDefaultSubnet make it again', async () => {
    const [betaDefault] = await ids(beta, [{ Name: 'is-default', Values: ['true'] }]);
    const { Subnets: betaSubnets } = await beta.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [betaDefault as string] }] }));
    for (const sn of betaSubnets ?? []) await beta.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId }));
    await expectEc2Error(beta.send(new DeleteVpcCommand({ VpcId: betaDefault })), 'DependencyViolation');
    const igws = (await beta.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [betaDefault as string] }] }))).InternetGateways ?? [];
    for (const g of igws) {
      await beta.send(new DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: betaDefault }));
      await beta.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId }));
    }
    await beta.send(new DeleteVpcCommand({ VpcId: betaDefault }));
    assert.deepEqual(await ids(beta, [{ Name: 'is-default', Values: ['true'] }]), []);
    assert.deepEqual(await defaultVpcAttr(beta), ['none']);
    const zone = (await beta.send(new DescribeSubnetsCommand({}))).Subnets;
    assert.deepEqual(zone, []);
    const zoneName = `${s.region}`;
    await expectEc2Error(beta.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'nowhere-1z' })), 'InvalidParameterValue');
    const { Subnets: alphaSubnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const firstZone = [...(alphaSubnets ?? [])].map((x) => x.AvailabilityZone as string).sort()[0];
    assert.ok(firstZone.startsWith(zoneName) || s.backend === 'openstack');
    await expectEc2Error(beta.send(new CreateDefaultSubnetCommand({ AvailabilityZone: firstZone })), 'DefaultVpcDoesNotExist');

    const { Vpc } = await beta.send(new CreateDefaultVpcCommand({}));
    assert.equal(Vpc?.IsDefault, true);
    assert.equal(Vpc?.CidrBlock, '172.31.0.0/16');
    assert.deepEqual(await defaultVpcAttr(beta), [Vpc?.VpcId]);
    const subnets = (await beta.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpc?.VpcId as string] }] }))).Subnets ?? [];
    assert.equal(subnets.length, alphaSubnets?.length);
    const first = subnets.find((x) => x.CidrBlock === '172.31.0.0/20');
    assert.ok(first);
    await expectEc2Error(beta.send(new CreateDefaultVpcCommand({})), 'DefaultVpcAlreadyExists');
    // A deleted default subnet comes back with CreateDefaultSubnet, in the first free /20.
    await beta.send(new DeleteSubnetCommand({ SubnetId: first.SubnetId }));
    const { Subnet } = await beta.send(new CreateDefaultSubnetCommand({ AvailabilityZone: first.AvailabilityZone }));
    assert.equal(Subnet?.CidrBlock, '172.31.0.0/20');
    assert.equal(Subnet?.DefaultForAz, true);
    assert.equal(Subnet?.MapPublicIpOnLaunch, true);
    assert.equal(Subnet?.VpcId, Vpc?.VpcId);
    assert.equal(Subnet?.AvailabilityZone, first.AvailabilityZone);
    // alpha's default VPC was not touched by any of this.
    assert.equal((await ids(ec2, [{ Name: 'is-default', Values: ['true'] }])).length, 1);
  });

  test('[vpc] default_vpc = false: no default VPC', async () => {
    const off = await startTestServer({ EC2API_DEFAULT_VPC: 'false' });
    try {
      const c = off.client();
      assert.deepEqual((await c.send(new DescribeVpcsCommand({}))).Vpcs, []);
      assert.deepEqual(await defaultVpcAttr(c), ['none']);
    } finally {
      await off.close();
    }
  });
});

test('CreateVpc, DescribeVpcs, DeleteVpc', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({
    CidrBlock: '10.20.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'one' }] }],
  }));
  made.add(Vpc?.VpcId as string);
  assert.match(Vpc?.VpcId ?? '', /^vpc-[0-9a-f]{17}$/);
  assert.equal(Vpc?.CidrBlock, '10.20.0.0/16');
  // The project's default option set, as AWS gives every VPC: the region's internal domain and AmazonProvidedDNS.
  assert.match(Vpc?.DhcpOptionsId ?? '', /^dopt-[0-9a-f]{17}$/);
  const { DhcpOptions } = await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [Vpc?.DhcpOptionsId as string] }));
  assert.deepEqual(DhcpOptions?.[0].DhcpConfigurations, [
    { Key: 'domain-name', Values: [{ Value: s.region === 'us-east-1' ? 'ec2.internal' : `${s.region}.compute.internal` }] },
    { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
  ]);
  assert.equal(Vpc?.IsDefault, false);
  assert.equal(Vpc?.Ipv6CidrBlockAssociationSet, undefined);
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc?.VpcId as string] }));
  assert.equal(Vpcs?.length, 1);
  assert.deepEqual(Vpcs?.[0].Tags, [{ Key: 'Name', Value: 'one' }]);
  assert.equal(Vpcs?.[0].State, 'available');
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range');
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: 'vpc-nope' })), 'InvalidVpcID.Malformed');
  await expectEc2Error(beta.send(new DeleteVpcCommand({ VpcId: Vpc?.VpcId })), 'InvalidVpcID.NotFound');
  await dropVpc(Vpc?.VpcId as string);
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc?.VpcId as string] })), 'InvalidVpcID.NotFound');
});

test('CreateVpc with an Amazon-provided IPv6 /56; the border group must be the region', async () => {
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16', AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlockNetworkBorderGroup: 'elsewhere-1' })),
    'InvalidParameterValue');
  const vpc = await newVpc('10.21.0.0/16', { AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlockNetworkBorderGroup: s.region });
  assert.equal(vpc.State, 'pending');
  assert.equal(vpc.Ipv6CidrBlockAssociationSet?.[0].Ipv6CidrBlockState?.State, 'associating');
  const d = await describeOne(vpc.VpcId as string);
  assert.equal(d.Ipv6CidrBlockAssociationSet?.length, 1);
  const a = d.Ipv6CidrBlockAssociationSet?.[0];
  assert.match(a?.Ipv6CidrBlock ?? '', /^[0-9a-f:]+::\/56$/);
  assert.match(a?.AssociationId ?? '', /^vpc-cidr-assoc-[0-9a-f]{17}$/);
  assert.equal(a?.Ipv6CidrBlockState?.State, 'associated');
  assert.equal(a?.NetworkBorderGroup, s.region);
  assert.equal(a?.Ipv6Pool, 'Amazon');
  await dropVpc(vpc.VpcId as string);
});

test('DescribeVpcAttribute / ModifyVpcAttribute: one attribute per call; hostnames need DNS support', async () => {
  const vpc = await newVpc('10.22.0.0/16');
  const VpcId = vpc.VpcId as string;
  const support = await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsSupport' }));
  assert.equal(support.VpcId, VpcId);
  assert.deepEqual(support.EnableDnsSupport, { Value: true });
  assert.equal(support.EnableDnsHostnames, undefined);
  assert.equal(support.EnableNetworkAddressUsageMetrics, undefined);
  const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsHostnames' }));
  assert.deepEqual(hostnames.EnableDnsHostnames, { Value: false });
  assert.equal(hostnames.EnableDnsSupport, undefined);
  const metrics = await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableNetworkAddressUsageMetrics' }));
  assert.deepEqual(metrics.EnableNetworkAddressUsageMetrics, { Value: false });
  await expectEc2Error(ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'unicorns' as 'enableDnsSupport' })), 'InvalidParameterValue');

  await ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: true } }));
  assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value, true);
  await expectEc2Error(ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: true }, EnableDnsSupport: { Value: true } })),
    'InvalidParameterCombination', { message: /multiple attribute types/ });
  await expectEc2Error(ec2.send(new ModifyVpcAttributeCommand({ VpcId })), 'MissingParameter');
  // Support cannot go while hostnames are on; hostnames cannot come without support.
  await expectEc2Error(ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsSupport: { Value: false } })), 'InvalidParameterValue');
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: false } }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsSupport: { Value: false } }));
  assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsSupport' }))).EnableDnsSupport?.Value, false);
  await expectEc2Error(ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: true } })), 'InvalidParameterValue');
  assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value, false);
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableNetworkAddressUsageMetrics: { Value: true } }));
  assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableNetworkAddressUsageMetrics' }))).EnableNetworkAddressUsageMetrics?.Value, true);

  // aws-cli
  const set = await s.cli(['modify-vpc-attribute', '--vpc-id', VpcId, '--enable-dns-support', '{"Value":true}']);
  assert.ok(set.ok, set.stderr);
  const got = await s.cli(['describe-vpc-attribute', '--vpc-id', VpcId, '--attribute', 'enableDnsSupport']);
  assert.ok(got.ok, got.stderr);
  assert.deepEqual(got.json, { VpcId, EnableDnsSupport: { Value: true } });

  // The other project can neither read nor change them.
  await expectEc2Error(beta.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsSupport' })), 'InvalidVpcID.NotFound');
  await expectEc2Error(beta.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsSupport: { Value: false } })), 'InvalidVpcID.NotFound');
  assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsSupport' }))).EnableDnsSupport?.Value, true);
  await expectEc2Error(ec2.send(new DescribeVpcAttributeCommand({ VpcId: 'vpc-x', Attribute: 'enableDnsSupport' })), 'InvalidVpcID.Malformed');
  await dropVpc(VpcId);
});

test('ModifyVpcTenancy: dedicated → default only; ReturnValue', async () => {
  const vpc = await newVpc('10.23.0.0/16', { InstanceTenancy: 'dedicated' });
  assert.equal(vpc.InstanceTenancy, 'dedicated');
  const VpcId = vpc.VpcId as string;
  await expectEc2Error(ec2.send(new ModifyVpcTenancyCommand({ VpcId, InstanceTenancy: 'dedicated' as 'default' })), 'InvalidParameterValue');
  await expectEc2Error(beta.send(new ModifyVpcTenancyCommand({ VpcId, InstanceTenancy: 'default' })), 'InvalidVpcID.NotFound');
  assert.equal((await describeOne(VpcId)).InstanceTenancy, 'dedicated');
  const r = await ec2.send(new ModifyVpcTenancyCommand({ VpcId, InstanceTenancy: 'default' }));
  assert.equal(r.ReturnValue, true);
  assert.equal((await describeOne(VpcId)).InstanceTenancy, 'default');
  await dropVpc(VpcId);
});

test('AssociateVpcCidrBlock / DisassociateVpcCidrBlock: secondary IPv4 blocks, AWS\'s restrictions, the limit, blocks in use', async () => {
  const vpc = await newVpc('10.40.0.0/16');
  const VpcId = vpc.VpcId as string;
  const primaryAssoc = vpc.CidrBlockAssociationSet?.[0].AssociationId as string;
  const r = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.41.0.0/16' }));
  assert.equal(r.VpcId, VpcId);
  assert.equal(r.CidrBlockAssociation?.CidrBlock, '10.41.0.0/16');
  assert.equal(r.CidrBlockAssociation?.CidrBlockState?.State, 'associating');
  assert.equal(r.Ipv6CidrBlockAssociation, undefined);
  const assoc = r.CidrBlockAssociation?.AssociationId as string;
  assert.match(assoc, /^vpc-cidr-assoc-[0-9a-f]{17}$/);
  let d = await describeOne(VpcId);
  assert.equal(d.CidrBlock, '10.40.0.0/16');
  assert.deepEqual(d.CidrBlockAssociationSet?.map((a) => [a.CidrBlock, a.CidrBlockState?.State]), [['10.40.0.0/16', 'associated'], ['10.41.0.0/16', 'associated']]);

  for (const bad of ['10.40.128.0/17', '10.41.0.0/16', '172.16.0.0/16', '192.168.0.0/16', '198.19.0.0/16', '10.50.0.0/29', '10.50.0.0/15']) {
    await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: bad })), 'InvalidVpc.Range');
  }
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.50.0.1/16' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId })), 'MissingParameter');
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.50.0.0/16', AmazonProvidedIpv6CidrBlock: true })), 'InvalidParameterCombination');
  // 100.64.0.0/10 and publicly routable blocks may join a 10.x VPC.
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '100.64.0.0/16' }));
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.42.0.0/24' }));
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.43.0.0/28' }));
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.44.0.0/16' })), 'CidrLimitExceeded');
  d = await describeOne(VpcId);
  assert.equal(d.CidrBlockAssociationSet?.length, 5);

  // Filters: any block vs the primary one.
  assert.deepEqual(await ids(ec2, [{ Name: 'cidr-block-association.cidr-block', Values: ['10.41.0.0/16'] }]), [VpcId]);
  assert.deepEqual(await ids(ec2, [{ Name: 'cidr-block-association.association-id', Values: [assoc] }]), [VpcId]);
  assert.deepEqual(await ids(ec2, [{ Name: 'cidr', Values: ['10.41.0.0/16'] }]), []);
  assert.deepEqual(await ids(ec2, [{ Name: 'cidr', Values: ['10.40.0.0/16'] }]), [VpcId]);

  // A subnet in the secondary block keeps it; the primary block never goes.
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.41.1.0/24' }));
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: assoc })), 'InvalidCidrBlock.InUse');
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: primaryAssoc })), 'OperationNotPermitted', { message: /primary/ });
  await expectEc2Error(beta.send(new DisassociateVpcCidrBlockCommand({ AssociationId: assoc })), 'InvalidVpcCidrBlockAssociationID.NotFound');
  await expectEc2Error(beta.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.45.0.0/16' })), 'InvalidVpcID.NotFound');
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: 'vpc-cidr-assoc-0123456789abcdef0' })), 'InvalidVpcCidrBlockAssociationID.NotFound');
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: 'rtbassoc-1' })), 'InvalidVpcCidrBlockAssociationID.Malformed');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
  const gone = await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: assoc }));
  assert.deepEqual(gone.CidrBlockAssociation, { AssociationId: assoc, CidrBlock: '10.41.0.0/16', CidrBlockState: { State: 'disassociating' } });
  assert.equal(gone.VpcId, VpcId);
  d = await describeOne(VpcId);
  assert.deepEqual(d.CidrBlockAssociationSet?.map((a) => a.CidrBlock), ['10.40.0.0/16', '100.64.0.0/16', '10.42.0.0/24', '10.43.0.0/28']);
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.41.1.0/24' })), 'InvalidSubnet.Range');
  // Back under the limit: one more fits.
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.41.0.0/16' }));

  // aws-cli
  const cli = await s.cli(['associate-vpc-cidr-block', '--vpc-id', VpcId, '--cidr-block', '10.46.0.0/16']);
  assert.equal(cli.ok, false);
  assert.match(cli.stderr, /CidrLimitExceeded/);
  await dropVpc(VpcId);
});

test('a 172.16/12 or 192.168/16 VPC takes blocks of its own range and public ones, no other RFC 1918 range', async () => {
  const vpc = await newVpc('192.168.0.0/20');
  const VpcId = vpc.VpcId as string;
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '10.0.0.0/16' })), 'InvalidVpc.Range', { message: /restricted/ });
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '172.20.0.0/16' })), 'InvalidVpc.Range');
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '192.168.16.0/20' }));
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, CidrBlock: '203.0.113.0/24' }));
  assert.deepEqual((await describeOne(VpcId)).CidrBlockAssociationSet?.map((a) => a.CidrBlock), ['192.168.0.0/20', '192.168.16.0/20', '203.0.113.0/24']);
  await dropVpc(VpcId);
});

test('AssociateVpcCidrBlock / DisassociateVpcCidrBlock: one Amazon-provided IPv6 /56', async () => {
  const vpc = await newVpc('10.60.0.0/16');
  const VpcId = vpc.VpcId as string;
  const r = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, AmazonProvidedIpv6CidrBlock: true }));
  const a = r.Ipv6CidrBlockAssociation;
  assert.equal(r.CidrBlockAssociation, undefined);
  assert.match(a?.Ipv6CidrBlock ?? '', /::\/56$/);
  assert.equal(a?.Ipv6CidrBlockState?.State, 'associating');
  assert.equal(a?.NetworkBorderGroup, s.region);
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId, AmazonProvidedIpv6CidrBlock: true })), 'CidrLimitExceeded');
  const d = await describeOne(VpcId);
  assert.deepEqual(d.Ipv6CidrBlockAssociationSet?.map((x) => [x.AssociationId, x.Ipv6CidrBlock, x.Ipv6CidrBlockState?.State]),
    [[a?.AssociationId, a?.Ipv6CidrBlock, 'associated']]);
  for (const [Name, value] of [['ipv6-cidr-block-association.ipv6-cidr-block', a?.Ipv6CidrBlock], ['ipv6-cidr-block-association.association-id', a?.AssociationId],
    ['ipv6-cidr-block-association.state', 'associated'], ['ipv6-cidr-block-association.ipv6-pool', 'Amazon']] as const) {
    assert.deepEqual(await ids(ec2, [{ Name, Values: [value as string] }, { Name: 'tag:run', Values: [run] }]), [VpcId], Name);
  }
  await expectEc2Error(beta.send(new DisassociateVpcCidrBlockCommand({ AssociationId: a?.AssociationId })), 'InvalidVpcCidrBlockAssociationID.NotFound');
  const gone = await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: a?.AssociationId }));
  assert.equal(gone.Ipv6CidrBlockAssociation?.Ipv6CidrBlockState?.State, 'disassociating');
  assert.equal(gone.Ipv6CidrBlockAssociation?.Ipv6CidrBlock, a?.Ipv6CidrBlock);
  assert.equal((await describeOne(VpcId)).Ipv6CidrBlockAssociationSet, undefined);
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: a?.AssociationId })), 'InvalidVpcCidrBlockAssociationID.NotFound');
  await dropVpc(VpcId);
});

test('DescribeVpcs: every filter AWS documents, tags, paging; the other project sees none', async () => {
  const one = await newVpc('10.70.0.0/16', { TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'run', Value: run }, { Key: 'Name', Value: `one-${run}` }] }] });
  const two = await newVpc('10.71.0.0/16', { AmazonProvidedIpv6CidrBlock: true });
  const both = [one.VpcId, two.VpcId].sort();
  // (By id too: a VPC an earlier failed test left behind carries the run tag as well.)
  const mine = { Name: 'vpc-id', Values: both as string[] };
  const cases: [string, string[], (string | undefined)[]][] = [
    ['vpc-id', [one.VpcId as string], [one.VpcId]],
    ['cidr', ['10.70.0.0/16'], [one.VpcId]],
    ['cidr-block-association.cidr-block', ['10.71.0.0/16'], [two.VpcId]],
    ['cidr-block-association.association-id', [two.CidrBlockAssociationSet?.[0].AssociationId as string], [two.VpcId]],
    ['cidr-block-association.state', ['associated'], both],
    ['dhcp-options-id', [one.DhcpOptionsId as string], both],
    ['dhcp-options-id', ['default'], []],
    ['ipv6-cidr-block-association.state', ['associated'], [two.VpcId]],
    ['is-default', ['false'], both],
    ['is-default', ['true'], []],
    ['owner-id', [one.OwnerId as string], both],
    ['owner-id', ['000000000000'], []],
    ['state', ['available'], both],
    ['tag:Name', [`one-${run}`], [one.VpcId]],
    ['tag-key', ['Name'], [one.VpcId]],
    ['tag-value', [`one-${run}`], [one.VpcId]],
    ['cidr', ['10.7*'], both],
  ];
  for (const [Name, Values, want] of cases) {
    assert.deepEqual(await ids(ec2, [{ Name, Values }, mine]), [...want].sort(), `${Name}=${Values}`);
  }
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'unicorns', Values: ['x'] }] })), 'InvalidParameterValue');
  // Paging: MaxResults 5 is the least; NextToken walks the rest.
  const all = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.map((v) => v.VpcId) ?? [];
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken }));
    assert.ok((page.Vpcs?.length ?? 0) <= 5);
    seen.push(...(page.Vpcs ?? []).map((v) => v.VpcId as string));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.sort(), [...all].sort());
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ MaxResults: 4 })), 'InvalidParameterValue');
  // beta: nothing of alpha's, by id or by filter.
  assert.deepEqual(await ids(beta, [mine]), []);
  assert.deepEqual(await ids(beta, [{ Name: 'tag:run', Values: [run] }]), []);
  await expectEc2Error(beta.send(new DescribeVpcsCommand({ VpcIds: [one.VpcId as string] })), 'InvalidVpcID.NotFound');
  // aws-cli
  const cli = await s.cli(['describe-vpcs', '--filters', `Name=tag:run,Values=${run}`, 'Name=cidr,Values=10.70.0.0/16']);
  assert.ok(cli.ok, cli.stderr);
  assert.deepEqual((cli.json as { Vpcs: Vpc[] }).Vpcs.map((v) => v.VpcId), [one.VpcId]);
  await dropVpc(one.VpcId as string);
  await dropVpc(two.VpcId as string);
});
