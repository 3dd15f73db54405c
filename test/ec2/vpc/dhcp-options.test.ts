/**
 * DHCP option sets through @aws-sdk/client-ec2 and aws-cli: create with AWS's validation of keys and values,
 * describe with filters and paging, associate (a set or 'default') — the name servers land on the VPC's subnets
 * upstream, and only on that VPC's — delete rules, and a second project that sees and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssociateDhcpOptionsCommand, CreateDhcpOptionsCommand, CreateSubnetCommand, CreateVpcCommand, DeleteDhcpOptionsCommand, DeleteSubnetCommand,
  DeleteVpcCommand, DescribeDhcpOptionsCommand, DescribeVpcsCommand, type EC2Client, type NewDhcpConfiguration,
} from '@aws-sdk/client-ec2';
import { dnsNameserversOf } from '../../helpers/cloud-side.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let vpc: string;
let otherVpc: string;
let subnet: string;
let otherSubnet: string;
const sets: string[] = [];

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId as string;
  otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc?.VpcId as string;
  subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.60.1.0/24' }))).Subnet?.SubnetId as string;
  otherSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.61.1.0/24' }))).Subnet?.SubnetId as string;
});
after(async () => {
  try {
    const made = [vpc, otherVpc].filter(Boolean);
    for (const v of made) await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: v, DhcpOptionsId: 'default' }));
    for (const id of sets) await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id })).catch(() => undefined);
    for (const sn of [subnet, otherSubnet].filter(Boolean)) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
    for (const v of made) await ec2.send(new DeleteVpcCommand({ VpcId: v }));
  } finally {
    await s.close();
  }
});

const create = async (DhcpConfigurations: NewDhcpConfiguration[], tags?: { Key: string; Value: string }[]) => {
  const { DhcpOptions } = await ec2.send(new CreateDhcpOptionsCommand({
    DhcpConfigurations, TagSpecifications: tags ? [{ ResourceType: 'dhcp-options', Tags: tags }] : undefined,
  }));
  sets.push(DhcpOptions?.DhcpOptionsId as string);
  return DhcpOptions;
};
const vpcOptions = async (id: string) => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0].DhcpOptionsId;

test('CreateDhcpOptions: every option AWS has, shown back as given', async () => {
  const set = await create([
    { Key: 'domain-name', Values: ['corp.example.org'] },
    { Key: 'domain-name-servers', Values: ['10.60.0.2', '192.0.2.53'] },
    { Key: 'ntp-servers', Values: ['192.0.2.123'] },
    { Key: 'netbios-name-servers', Values: ['192.0.2.139'] },
    { Key: 'netbios-node-type', Values: ['2'] },
    { Key: 'ipv6-address-preferred-lease-time', Values: ['3600'] },
  ], [{ Key: 'Name', Value: 'corp' }]);
  assert.match(set?.DhcpOptionsId ?? '', /^dopt-[0-9a-f]{17}$/);
  assert.deepEqual(set?.Tags, [{ Key: 'Name', Value: 'corp' }]);
  assert.deepEqual(set?.DhcpConfigurations?.map((c) => [c.Key, c.Values?.map((v) => v.Value)]), [
    ['domain-name', ['corp.example.org']],
    ['domain-name-servers', ['10.60.0.2', '192.0.2.53']],
    ['ntp-servers', ['192.0.2.123']],
    ['netbios-name-servers', ['192.0.2.139']],
    ['netbios-node-type', ['2']],
    ['ipv6-address-preferred-lease-time', ['3600']],
  ]);
  const { DhcpOptions } = await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [set?.DhcpOptionsId as string] }));
  assert.deepEqual(DhcpOptions?.[0], set);
});

test('CreateDhcpOptions: keys and values refused as AWS refuses them; nothing is made', async () => {
  const before = (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions?.length;
  const bad = (DhcpConfigurations: NewDhcpConfiguration[], code = 'InvalidParameterValue') =>
    expectEc2Error(ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations })), code);
  await bad([{ Key: 'routers', Values: ['10.0.0.1'] }]);
  await bad([{ Key: 'domain-name-servers', Values: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] }]);
  await bad([{ Key: 'domain-name-servers', Values: ['not-an-ip'] }]);
  await bad([{ Key: 'ntp-servers', Values: ['AmazonProvidedDNS'] }]);
  await bad([{ Key: 'netbios-node-type', Values: ['3'] }]);
  await bad([{ Key: 'netbios-node-type', Values: ['1', '2'] }]);
  await bad([{ Key: 'ipv6-address-preferred-lease-time', Values: ['10'] }]);
  await bad([{ Key: 'domain-name', Values: ['a.example', 'b.example'] }]);
  await bad([{ Key: 'domain-name', Values: ['a.example'] }, { Key: 'domain-name', Values: ['b.example'] }]);
  await bad([{ Key: 'domain-name', Values: [] }], 'MissingParameter');
  await bad([], 'MissingParameter');
  assert.equal((await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions?.length, before);
});

test('AssociateDhcpOptions: the VPC names the set; its subnets (only its) get the name servers upstream; default', async () => {
  const set = await create([{ Key: 'domain-name-servers', Values: ['192.0.2.53', '192.0.2.54'] }]);
  const amazon = await create([{ Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] }, { Key: 'domain-name', Values: ['ec2.internal'] }]);
  const id = set?.DhcpOptionsId as string;
  assert.match(await vpcOptions(vpc) ?? '', /^dopt-/, 'a new VPC has the default option set');
  assert.deepEqual(await dnsNameserversOf(s, subnet), []);

  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: id }));
  assert.equal(await vpcOptions(vpc), id);
  assert.deepEqual(await dnsNameserversOf(s, subnet), ['192.0.2.53', '192.0.2.54']);
  assert.deepEqual(await dnsNameserversOf(s, otherSubnet), [], 'the other VPC is untouched');
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'dhcp-options-id', Values: [id] }] }));
  assert.deepEqual(Vpcs?.map((v) => v.VpcId), [vpc]);

  await expectEc2Error(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id })), 'DependencyViolation',
    { message: new RegExp(`The dhcpOptions '${id}' has dependencies and cannot be deleted.`) });

  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: amazon?.DhcpOptionsId }));
  assert.deepEqual(await dnsNameserversOf(s, subnet), [], 'AmazonProvidedDNS: the cloud resolver');
  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: id }));
  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: 'default' }));
  assert.equal(await vpcOptions(vpc), 'default');
  assert.deepEqual(await dnsNameserversOf(s, subnet), []);

  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: 'dopt-0123456789abcdef0' })), 'InvalidDhcpOptionID.NotFound');
  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: 'dopt-x' })), 'InvalidDhcpOptionsId.Malformed');
  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: 'vpc-0123456789abcdef0', DhcpOptionsId: id })), 'InvalidVpcID.NotFound');
  assert.equal(await vpcOptions(vpc), 'default');

  await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id }));
  await expectEc2Error(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [id] })), 'InvalidDhcpOptionID.NotFound');
  await expectEc2Error(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id })), 'InvalidDhcpOptionID.NotFound');
});

test('DescribeDhcpOptions: filters, paging, aws-cli', async () => {
  const a = (await create([{ Key: 'domain-name', Values: ['alpha.example'] }], [{ Key: 'env', Value: 'prod' }]))?.DhcpOptionsId as string;
  const b = (await create([{ Key: 'ntp-servers', Values: ['192.0.2.1'] }], [{ Key: 'env', Value: 'dev' }]))?.DhcpOptionsId as string;
  const ids = async (Filters: { Name: string; Values: string[] }[]) =>
    ((await ec2.send(new DescribeDhcpOptionsCommand({ Filters }))).DhcpOptions ?? []).map((d) => d.DhcpOptionsId as string).filter((x) => x === a || x === b).sort();
  assert.deepEqual(await ids([{ Name: 'key', Values: ['domain-name'] }]), [a]);
  assert.deepEqual(await ids([{ Name: 'value', Values: ['192.0.2.*'] }]), [b]);
  assert.deepEqual(await ids([{ Name: 'dhcp-options-id', Values: [b] }]), [b]);
  assert.deepEqual(await ids([{ Name: 'tag:env', Values: ['prod'] }]), [a]);
  const owner = (await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [a] }))).DhcpOptions?.[0].OwnerId as string;
  assert.deepEqual(await ids([{ Name: 'owner-id', Values: [owner] }]), [a, b].sort());
  assert.deepEqual(await ids([{ Name: 'owner-id', Values: ['000000000000'] }]), []);
  await expectEc2Error(ec2.send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: 'dhcp_options_id', Values: [a] }] })), 'InvalidParameterValue');

  while (sets.length < 7) await create([{ Key: 'netbios-node-type', Values: ['8'] }]);
  const all = ((await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions ?? []).map((d) => d.DhcpOptionsId as string).sort();
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeDhcpOptionsCommand({ MaxResults: 5, NextToken }));
    assert.ok((page.DhcpOptions?.length ?? 0) <= 5);
    seen.push(...(page.DhcpOptions ?? []).map((d) => d.DhcpOptionsId as string));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.sort(), all);
  await expectEc2Error(ec2.send(new DescribeDhcpOptionsCommand({ MaxResults: 4 })), 'InvalidParameterValue');

  const made = await s.cli(['create-dhcp-options', '--dhcp-configurations', 'Key=domain-name-servers,Values=192.0.2.10,192.0.2.11']);
  assert.ok(made.ok, made.stderr);
  const opt = (made.json as { DhcpOptions: { DhcpOptionsId: string; DhcpConfigurations: { Key: string; Values: { Value: string }[] }[] } }).DhcpOptions;
  sets.push(opt.DhcpOptionsId);
  assert.deepEqual(opt.DhcpConfigurations, [{ Key: 'domain-name-servers', Values: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }] }]);
  const assoc = await s.cli(['associate-dhcp-options', '--vpc-id', otherVpc, '--dhcp-options-id', opt.DhcpOptionsId]);
  assert.ok(assoc.ok, assoc.stderr);
  assert.deepEqual(await dnsNameserversOf(s, otherSubnet), ['192.0.2.10', '192.0.2.11']);
  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: otherVpc, DhcpOptionsId: 'default' }));
});

test('a second project sees none of the sets and can change none', async () => {
  const id = (await create([{ Key: 'domain-name', Values: ['private.example'] }]))?.DhcpOptionsId as string;
  const beta = s.client(s.beta);
  const betaVpc = (await beta.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16' }))).Vpc?.VpcId as string;
  try {
    await expectEc2Error(beta.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [id] })), 'InvalidDhcpOptionID.NotFound');
    const listed = ((await beta.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions ?? []).map((d) => d.DhcpOptionsId);
    assert.ok(!listed.some((x) => sets.includes(x as string)));
    await expectEc2Error(beta.send(new AssociateDhcpOptionsCommand({ VpcId: betaVpc, DhcpOptionsId: id })), 'InvalidDhcpOptionID.NotFound');
    await expectEc2Error(beta.send(new AssociateDhcpOptionsCommand({ VpcId: vpc, DhcpOptionsId: 'default' })), 'InvalidVpcID.NotFound');
    await expectEc2Error(beta.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id })), 'InvalidDhcpOptionID.NotFound');
    assert.equal((await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [id] }))).DhcpOptions?.length, 1);
  } finally {
    await beta.send(new DeleteVpcCommand({ VpcId: betaVpc }));
  }
});

test('a subnet made in a VPC with custom name servers gets them', async () => {
  const id = (await create([{ Key: 'domain-name-servers', Values: ['192.0.2.99'] }]))?.DhcpOptionsId as string;
  await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: otherVpc, DhcpOptionsId: id }));
  const sn = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.61.9.0/24' }))).Subnet?.SubnetId as string;
  try {
    assert.deepEqual(await dnsNameserversOf(s, sn), ['192.0.2.99']);
  } finally {
    await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
    await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: otherVpc, DhcpOptionsId: 'default' }));
  }
});
