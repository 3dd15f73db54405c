/**
 * Network ACLs through @aws-sdk/client-ec2 and aws-cli: the default ACL CreateVpc makes (allow all, then deny; every
 * subnet of the VPC not associated elsewhere), custom ACLs and their entries, moving a subnet between ACLs, filters
 * and paging, and a second project that sees and changes nothing. Store-only: nothing upstream to check.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateNetworkAclCommand, CreateNetworkAclEntryCommand, type CreateNetworkAclEntryCommandInput, CreateSubnetCommand, CreateVpcCommand,
  DeleteNetworkAclCommand, DeleteNetworkAclEntryCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeNetworkAclsCommand, type EC2Client,
  type Filter, type NetworkAcl, ReplaceNetworkAclAssociationCommand, ReplaceNetworkAclEntryCommand,
} from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let vpc: string;
let otherVpc: string;
let subnetA: string;
let subnetB: string;
const acls: string[] = [];

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc?.VpcId as string;
  otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' }))).Vpc?.VpcId as string;
  subnetA = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.70.1.0/24' }))).Subnet?.SubnetId as string;
  subnetB = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.70.2.0/24' }))).Subnet?.SubnetId as string;
});
after(async () => {
  try {
    const def = vpc ? await defaultOf(vpc) : undefined;
    for (const id of def ? acls : []) {
      const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'network-acl-id', Values: [id] }] }))).NetworkAcls?.[0];
      for (const a of acl?.Associations ?? []) {
        await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: a.NetworkAclAssociationId, NetworkAclId: def?.NetworkAclId }));
      }
      if (acl) await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id }));
    }
    for (const sn of [subnetA, subnetB].filter(Boolean)) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
    for (const v of [vpc, otherVpc].filter(Boolean)) await ec2.send(new DeleteVpcCommand({ VpcId: v }));
  } finally {
    await s.close();
  }
});

const defaultOf = async (vpcId: string): Promise<NetworkAcl> =>
  (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default', Values: ['true'] }] }))).NetworkAcls?.[0] as NetworkAcl;
const describeOne = async (id: string): Promise<NetworkAcl> =>
  (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls?.[0] as NetworkAcl;
const idsWhere = async (Filters: Filter[]) =>
  ((await ec2.send(new DescribeNetworkAclsCommand({ Filters: [...Filters, { Name: 'vpc-id', Values: [vpc, otherVpc] }] }))).NetworkAcls ?? [])
    .map((a) => a.NetworkAclId as string).sort();
const newAcl = async (vpcId = vpc) => {
  const id = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl?.NetworkAclId as string;
  acls.push(id);
  return id;
};
const subnetsOf = (acl: NetworkAcl) => (acl.Associations ?? []).map((a) => a.SubnetId as string).sort();

test('the default ACL: allow all then deny, in and out; every subnet of the VPC', async () => {
  const def = await defaultOf(vpc);
  assert.match(def.NetworkAclId ?? '', /^acl-[0-9a-f]{17}$/);
  assert.equal(def.IsDefault, true);
  assert.equal(def.VpcId, vpc);
  assert.deepEqual(def.Entries, [
    { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
    { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
    { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
    { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
  ]);
  assert.deepEqual(subnetsOf(def), [subnetA, subnetB].sort());
  for (const a of def.Associations ?? []) {
    assert.match(a.NetworkAclAssociationId ?? '', /^aclassoc-[0-9a-f]{17}$/);
    assert.equal(a.NetworkAclId, def.NetworkAclId);
  }
  const again = await defaultOf(vpc);
  assert.deepEqual(again.Associations, def.Associations, 'association ids are stable');
  assert.deepEqual(subnetsOf(await defaultOf(otherVpc)), []);
  await expectEc2Error(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: def.NetworkAclId })), 'InvalidParameterValue');
  const cli = await s.cli(['describe-network-acls', '--network-acl-ids', def.NetworkAclId as string]);
  assert.ok(cli.ok, cli.stderr);
  assert.equal((cli.json as { NetworkAcls: { IsDefault: boolean }[] }).NetworkAcls[0].IsDefault, true);
});

test('CreateNetworkAcl, entries, moving a subnet in and out, DeleteNetworkAcl', async () => {
  const made = await ec2.send(new CreateNetworkAclCommand({
    VpcId: vpc, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'tier', Value: 'db' }] }],
  }));
  const id = made.NetworkAcl?.NetworkAclId as string;
  acls.push(id);
  assert.equal(made.NetworkAcl?.IsDefault, false);
  assert.deepEqual(made.NetworkAcl?.Associations, []);
  assert.deepEqual(made.NetworkAcl?.Tags, [{ Key: 'tier', Value: 'db' }]);
  assert.deepEqual(made.NetworkAcl?.Entries?.map((e) => [e.Egress, e.RuleNumber, e.RuleAction]), [[true, 32767, 'deny'], [false, 32767, 'deny']]);

  const entry: CreateNetworkAclEntryCommandInput = {
    NetworkAclId: id, RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8', PortRange: { From: 5432, To: 5432 },
  };
  await ec2.send(new CreateNetworkAclEntryCommand(entry));
  await ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 120, Protocol: 'icmp', PortRange: undefined, IcmpTypeCode: { Type: 8, Code: 0 } }));
  await ec2.send(new CreateNetworkAclEntryCommand({ ...entry, Egress: true, Protocol: '-1', PortRange: undefined, CidrBlock: undefined, Ipv6CidrBlock: '::/0' }));
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand(entry)), 'NetworkAclEntryAlreadyExists');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 111, PortRange: undefined })), 'MissingParameter');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 0 })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 32767 })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 112, CidrBlock: '10.0.0.1/8' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, RuleNumber: 113, Protocol: 'bogus' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new CreateNetworkAclEntryCommand({ ...entry, NetworkAclId: 'acl-0123456789abcdef0' })), 'InvalidNetworkAclID.NotFound');
  let acl = await describeOne(id);
  assert.deepEqual(acl.Entries, [
    { Egress: true, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction: 'allow', RuleNumber: 110 },
    { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
    { CidrBlock: '10.0.0.0/8', Egress: false, PortRange: { From: 5432, To: 5432 }, Protocol: '6', RuleAction: 'allow', RuleNumber: 110 },
    { CidrBlock: '10.0.0.0/8', Egress: false, IcmpTypeCode: { Type: 8, Code: 0 }, Protocol: '1', RuleAction: 'allow', RuleNumber: 120 },
    { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
  ]);
  assert.deepEqual(await idsWhere([{ Name: 'entry.port-range.from', Values: ['5432'] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'entry.icmp.type', Values: ['8'] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'entry.ipv6-cidr', Values: ['::/0'] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'entry.rule-number', Values: ['120'] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'entry.protocol', Values: ['6'] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'tag:tier', Values: ['db'] }]), [id]);

  await ec2.send(new ReplaceNetworkAclEntryCommand({ ...entry, RuleAction: 'deny' }));
  await expectEc2Error(ec2.send(new ReplaceNetworkAclEntryCommand({ ...entry, RuleNumber: 130 })), 'InvalidNetworkAclEntry.NotFound');
  await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Egress: false }));
  await expectEc2Error(ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Egress: false })), 'InvalidNetworkAclEntry.NotFound');
  await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: true }));
  acl = await describeOne(id);
  assert.deepEqual(acl.Entries?.map((e) => [e.Egress, e.RuleNumber, e.RuleAction]), [[true, 32767, 'deny'], [false, 110, 'deny'], [false, 32767, 'deny']]);

  // Move subnet A to the new ACL and back.
  const def = await defaultOf(vpc);
  const assocA = def.Associations?.find((a) => a.SubnetId === subnetA)?.NetworkAclAssociationId as string;
  const moved = await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocA, NetworkAclId: id }));
  assert.match(moved.NewAssociationId ?? '', /^aclassoc-[0-9a-f]{17}$/);
  assert.notEqual(moved.NewAssociationId, assocA);
  assert.deepEqual(subnetsOf(await describeOne(id)), [subnetA]);
  assert.deepEqual(subnetsOf(await defaultOf(vpc)), [subnetB]);
  assert.deepEqual(await idsWhere([{ Name: 'association.subnet-id', Values: [subnetA] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'association.association-id', Values: [moved.NewAssociationId as string] }]), [id]);
  assert.deepEqual(await idsWhere([{ Name: 'default', Values: ['false'] }]), [id]);
  await expectEc2Error(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id })), 'DependencyViolation',
    { message: new RegExp(`The networkAcl '${id}' has dependencies and cannot be deleted.`) });
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpc })), 'DependencyViolation');
  await expectEc2Error(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocA, NetworkAclId: id })), 'InvalidAssociationID.NotFound');
  await expectEc2Error(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: 'aclassoc-x', NetworkAclId: id })), 'InvalidAssociationID.Malformed');
  await expectEc2Error(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: moved.NewAssociationId, NetworkAclId: (await defaultOf(otherVpc)).NetworkAclId })),
    'InvalidParameterValue');
  const back = await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: moved.NewAssociationId, NetworkAclId: def.NetworkAclId }));
  assert.deepEqual(subnetsOf(await defaultOf(vpc)), [subnetA, subnetB].sort());
  assert.ok((await defaultOf(vpc)).Associations?.some((a) => a.NetworkAclAssociationId === back.NewAssociationId));

  await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id }));
  await expectEc2Error(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })), 'InvalidNetworkAclID.NotFound');
  await expectEc2Error(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-x'] })), 'InvalidNetworkAclID.Malformed');
});

test('DescribeNetworkAcls: owner and vpc filters, paging', async () => {
  const def = await defaultOf(vpc);
  assert.deepEqual(await idsWhere([{ Name: 'owner-id', Values: [def.OwnerId as string] }, { Name: 'default', Values: ['true'] }]),
    [def.NetworkAclId as string, (await defaultOf(otherVpc)).NetworkAclId as string].sort());
  assert.deepEqual(await idsWhere([{ Name: 'owner-id', Values: ['000000000000'] }]), []);
  assert.deepEqual(await idsWhere([{ Name: 'entry.rule-action', Values: ['allow'] }, { Name: 'entry.egress', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc] }]),
    [def.NetworkAclId as string]);
  await expectEc2Error(ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'entry.nope', Values: ['x'] }] })), 'InvalidParameterValue');
  while ((await idsWhere([])).length < 7) await newAcl(otherVpc);
  const all = await idsWhere([]);
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeNetworkAclsCommand({ MaxResults: 5, NextToken, Filters: [{ Name: 'vpc-id', Values: [vpc, otherVpc] }] }));
    assert.ok((page.NetworkAcls?.length ?? 0) <= 5);
    seen.push(...(page.NetworkAcls ?? []).map((a) => a.NetworkAclId as string));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.sort(), all);
  await expectEc2Error(ec2.send(new DescribeNetworkAclsCommand({ MaxResults: 101 })), 'InvalidParameterValue');
});

test('a second project sees none of the ACLs and can change none', async () => {
  const id = await newAcl();
  const def = await defaultOf(vpc);
  const assoc = def.Associations?.[0].NetworkAclAssociationId as string;
  const beta = s.client(s.beta);
  await expectEc2Error(beta.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })), 'InvalidNetworkAclID.NotFound');
  const listed = ((await beta.send(new DescribeNetworkAclsCommand({}))).NetworkAcls ?? []).map((a) => a.VpcId);
  assert.ok(!listed.includes(vpc));
  await expectEc2Error(beta.send(new CreateNetworkAclCommand({ VpcId: vpc })), 'InvalidVpcID.NotFound');
  await expectEc2Error(beta.send(new DeleteNetworkAclCommand({ NetworkAclId: id })), 'InvalidNetworkAclID.NotFound');
  const entry = { NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow' as const, Egress: false, CidrBlock: '0.0.0.0/0' };
  await expectEc2Error(beta.send(new CreateNetworkAclEntryCommand(entry)), 'InvalidNetworkAclID.NotFound');
  await expectEc2Error(beta.send(new ReplaceNetworkAclEntryCommand({ ...entry, NetworkAclId: def.NetworkAclId })), 'InvalidNetworkAclID.NotFound');
  await expectEc2Error(beta.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: def.NetworkAclId, RuleNumber: 100, Egress: false })), 'InvalidNetworkAclID.NotFound');
  await expectEc2Error(beta.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: id })), 'InvalidNetworkAclID.NotFound');
  assert.deepEqual((await defaultOf(vpc)).Entries?.length, 4);
  assert.deepEqual((await describeOne(id)).Associations, []);
});

test('a deleted subnet takes its explicit association with it', async () => {
  const id = await newAcl();
  const sn = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.70.9.0/24' }))).Subnet?.SubnetId as string;
  const assoc = (await defaultOf(vpc)).Associations?.find((a) => a.SubnetId === sn)?.NetworkAclAssociationId as string;
  await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: id }));
  await expectEc2Error(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id })), 'DependencyViolation');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
  assert.deepEqual((await describeOne(id)).Associations, []);
  assert.ok(!subnetsOf(await defaultOf(vpc)).includes(sn));
  await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id }));
});
