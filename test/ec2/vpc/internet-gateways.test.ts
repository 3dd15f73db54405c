/**
 * Internet gateways through @aws-sdk/client-ec2 and aws-cli: create with tags, describe with filters and paging,
 * attach (the VPC router's external gateway, checked on the cloud's side) and detach, one gateway per VPC, the
 * limit, and a second project that sees and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateVpcCommand, DeleteInternetGatewayCommand, DeleteVpcCommand,
  DescribeInternetGatewaysCommand, DetachInternetGatewayCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import { externalNetworkIds, routerOf } from '../../helpers/cloud-side.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
const vpcs: string[] = [];
const igws: string[] = [];

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  for (const cidr of ['10.40.0.0/16', '10.41.0.0/16']) vpcs.push((await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId as string);
});
after(async () => {
  try {
    for (const id of igws) {
      const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'internet-gateway-id', Values: [id] }] }));
      for (const a of InternetGateways?.[0]?.Attachments ?? []) await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: a.VpcId }));
      if (InternetGateways?.length) await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
    }
    for (const id of vpcs) await ec2.send(new DeleteVpcCommand({ VpcId: id }));
  } finally {
    await s.close();
  }
});

const create = async (tags: { Key: string; Value: string }[] = []) => {
  const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({
    TagSpecifications: tags.length ? [{ ResourceType: 'internet-gateway', Tags: tags }] : undefined,
  }));
  igws.push(InternetGateway?.InternetGatewayId as string);
  return InternetGateway;
};

test('CreateInternetGateway, attach to a VPC (the router gets its external gateway), detach, delete', async () => {
  const igw = await create([{ Key: 'Name', Value: 'gw-one' }]);
  const id = igw?.InternetGatewayId as string;
  assert.match(id, /^igw-[0-9a-f]{17}$/);
  assert.deepEqual(igw?.Attachments, []);
  assert.deepEqual(igw?.Tags, [{ Key: 'Name', Value: 'gw-one' }]);
  assert.match(igw?.OwnerId ?? '', /\S/);
  assert.equal((await routerOf(s, vpcs[0])).externalNetworkId, undefined);

  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[0] }));
  const [external] = await externalNetworkIds(s);
  assert.equal((await routerOf(s, vpcs[0])).externalNetworkId, external, 'the router has the external network as its gateway');
  const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
  assert.deepEqual(InternetGateways?.[0].Attachments, [{ State: 'available', VpcId: vpcs[0] }]);
  assert.equal(InternetGateways?.[0].OwnerId, igw?.OwnerId);

  // One VPC per gateway, one gateway per VPC; attached, it cannot be deleted.
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[1] })), 'Resource.AlreadyAssociated',
    { message: new RegExp(`resource ${id} is already attached to network ${vpcs[0]}`) });
  const second = (await create())?.InternetGatewayId as string;
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcs[0] })), 'InvalidParameterValue',
    { message: new RegExp(`Network ${vpcs[0]} already has an internet gateway attached`) });
  await expectEc2Error(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })), 'DependencyViolation',
    { message: new RegExp(`The internetGateway '${id}' has dependencies and cannot be deleted.`) });
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpcs[0] })), 'DependencyViolation');
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[1] })), 'Gateway.NotAttached',
    { message: new RegExp(`resource ${id} is not attached to network ${vpcs[1]}`) });
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcs[0] })), 'Gateway.NotAttached');
  assert.equal((await routerOf(s, vpcs[0])).externalNetworkId, external, 'refused requests changed nothing upstream');

  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[0] }));
  assert.equal((await routerOf(s, vpcs[0])).externalNetworkId, undefined, 'the gateway is cleared upstream');
  const detached = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
  assert.deepEqual(detached.InternetGateways?.[0].Attachments, []);
  // The second one may now take the VPC.
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcs[0] }));
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcs[0] }));

  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: second }));
  await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })), 'InvalidInternetGatewayID.NotFound');
  await expectEc2Error(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })), 'InvalidInternetGatewayID.NotFound');
});

test('ids: Malformed and NotFound on every action', async () => {
  const igw = await create();
  const id = igw?.InternetGatewayId as string;
  await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: ['igw-xyz'] })), 'InvalidInternetGatewayID.Malformed');
  await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id, 'igw-0123456789abcdef0'] })), 'InvalidInternetGatewayID.NotFound',
    { message: /igw-0123456789abcdef0/ });
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: 'igw-0123456789abcdef0', VpcId: vpcs[0] })), 'InvalidInternetGatewayID.NotFound');
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: 'vpc-0123456789abcdef0' })), 'InvalidVpcID.NotFound');
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: 'vpc-x' })), 'InvalidVpcID.Malformed');
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: 'igw-x', VpcId: vpcs[0] })), 'InvalidInternetGatewayID.Malformed');
  await expectEc2Error(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: 'igw-x' })), 'InvalidInternetGatewayID.Malformed');
  const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
  assert.deepEqual(InternetGateways?.[0].Attachments, [], 'nothing was attached by the refused calls');
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
});

test('DescribeInternetGateways: filters, paging, aws-cli', async () => {
  const a = (await create([{ Key: 'team', Value: 'red' }]))?.InternetGatewayId as string;
  const b = (await create([{ Key: 'team', Value: 'blue' }]))?.InternetGatewayId as string;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: a, VpcId: vpcs[1] }));
  try {
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await ec2.send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways ?? []).map((g) => g.InternetGatewayId).filter((x) => x === a || x === b).sort();
    assert.deepEqual(await ids([{ Name: 'attachment.vpc-id', Values: [vpcs[1]] }]), [a]);
    assert.deepEqual(await ids([{ Name: 'attachment.state', Values: ['available'] }]), [a]);
    assert.deepEqual(await ids([{ Name: 'internet-gateway-id', Values: [b] }]), [b]);
    assert.deepEqual(await ids([{ Name: 'tag:team', Values: ['blue', 'red'] }]), [a, b].sort());
    assert.deepEqual(await ids([{ Name: 'tag-value', Values: ['re*'] }]), [a]);
    const owner = (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [a] }))).InternetGateways?.[0].OwnerId as string;
    assert.deepEqual(await ids([{ Name: 'owner-id', Values: [owner] }]), [a, b].sort());
    assert.deepEqual(await ids([{ Name: 'owner-id', Values: ['000000000000'] }]), []);
    await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })), 'InvalidParameterValue');

    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeInternetGatewaysCommand({ MaxResults: 5, NextToken, Filters: [{ Name: 'tag-key', Values: ['team'] }] }));
      assert.ok((page.InternetGateways?.length ?? 0) <= 5);
      seen.push(...(page.InternetGateways ?? []).map((g) => g.InternetGatewayId as string));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(seen.sort(), [a, b].sort());
    await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ MaxResults: 4 })), 'InvalidParameterValue');

    const cli = await s.cli(['describe-internet-gateways', '--internet-gateway-ids', a]);
    assert.ok(cli.ok, cli.stderr);
    const gw = (cli.json as { InternetGateways: { InternetGatewayId: string; Attachments: { VpcId: string; State: string }[] }[] }).InternetGateways[0];
    assert.equal(gw.InternetGatewayId, a);
    assert.deepEqual(gw.Attachments, [{ State: 'available', VpcId: vpcs[1] }]);
    const made = await s.cli(['create-internet-gateway']);
    assert.ok(made.ok, made.stderr);
    const cliId = (made.json as { InternetGateway: { InternetGatewayId: string } }).InternetGateway.InternetGatewayId;
    igws.push(cliId);
    assert.match(cliId, /^igw-/);
  } finally {
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: a, VpcId: vpcs[1] }));
  }
});

test('a second project sees none of the gateways and can change none', async () => {
  const id = (await create())?.InternetGatewayId as string;
  const beta = s.client(s.beta);
  const betaVpc = (await beta.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc?.VpcId as string;
  try {
    await expectEc2Error(beta.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })), 'InvalidInternetGatewayID.NotFound');
    const listed = (await beta.send(new DescribeInternetGatewaysCommand({}))).InternetGateways ?? [];
    assert.ok(!listed.some((g) => igws.includes(g.InternetGatewayId as string)));
    await expectEc2Error(beta.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: betaVpc })), 'InvalidInternetGatewayID.NotFound');
    // Nor attach its own gateway to the first project's VPC.
    const own = (await beta.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId as string;
    await expectEc2Error(beta.send(new AttachInternetGatewayCommand({ InternetGatewayId: own, VpcId: vpcs[0] })), 'InvalidVpcID.NotFound');
    await beta.send(new DeleteInternetGatewayCommand({ InternetGatewayId: own }));
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[0] }));
    await expectEc2Error(beta.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[0] })), 'InvalidInternetGatewayID.NotFound');
    await expectEc2Error(beta.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })), 'InvalidInternetGatewayID.NotFound');
    const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
    assert.deepEqual(InternetGateways?.[0].Attachments, [{ State: 'available', VpcId: vpcs[0] }]);
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcs[0] }));
  } finally {
    await beta.send(new DeleteVpcCommand({ VpcId: betaVpc }));
  }
});

test('InternetGatewayLimitExceeded at [vpc] max_internet_gateways; nothing is made', async () => {
  const count = async () => ((await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways ?? []).length;
  while (await count() < s.app.config.vpc.max_internet_gateways) await create();
  await expectEc2Error(ec2.send(new CreateInternetGatewayCommand({})), 'InternetGatewayLimitExceeded');
  assert.equal(await count(), s.app.config.vpc.max_internet_gateways);
});
