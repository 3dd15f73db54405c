/**
 * Route tables through @aws-sdk/client-ec2 and aws-cli: the main table CreateVpc makes, tables with tags and
 * ClientToken, routes to internet gateways (IPv4 and IPv6; blackhole once the gateway leaves the VPC), the local
 * route's protection, targets that do not exist, subnet and gateway associations, the main association moved,
 * every filter family and paging, VPN gateway propagation (no VPN gateways here), and a second project that sees
 * and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssociateRouteTableCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateRouteCommand, CreateRouteTableCommand,
  CreateSubnetCommand, CreateVpcCommand, DeleteInternetGatewayCommand, DeleteRouteCommand, DeleteRouteTableCommand, DeleteSubnetCommand,
  DeleteVpcCommand, DescribeRouteTablesCommand, DetachInternetGatewayCommand, DisableVgwRoutePropagationCommand,
  DisassociateRouteTableCommand, type EC2Client, EnableVgwRoutePropagationCommand, type Filter, ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand, type RouteTable,
} from '@aws-sdk/client-ec2';
import { dropInterface, makeInterface, routerOf } from '../../helpers/cloud-side.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let vpc: string;
let otherVpc: string;
let igw: string;
let subnetA: string;
let subnetB: string;
let otherSubnet: string;
const tables: string[] = [];

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  const made = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
  vpc = made.Vpc?.VpcId as string;
  otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }))).Vpc?.VpcId as string;
  igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId as string;
  subnetA = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.50.1.0/24' }))).Subnet?.SubnetId as string;
  subnetB = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.50.2.0/24' }))).Subnet?.SubnetId as string;
  otherSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.51.1.0/24' }))).Subnet?.SubnetId as string;
});

after(async () => {
  try {
    for (const id of tables) {
      const t = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route-table-id', Values: [id] }] }))).RouteTables?.[0];
      for (const a of t?.Associations ?? []) if (!a.Main) await ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId }));
    }
    // A table made main by a test: give the main association back to any table that CreateVpc made, by deleting others.
    for (const id of tables) await ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })).catch(() => undefined);
    if (igw) {
      await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })).catch(() => undefined);
      await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    }
    for (const sn of [subnetA, subnetB, otherSubnet].filter(Boolean)) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
    for (const v of [vpc, otherVpc].filter(Boolean)) await ec2.send(new DeleteVpcCommand({ VpcId: v }));
  } finally {
    await s.close();
  }
});

const describeOne = async (id: string): Promise<RouteTable> =>
  (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables?.[0] as RouteTable;
const idsWhere = async (Filters: Filter[]) =>
  ((await ec2.send(new DescribeRouteTablesCommand({ Filters: [...Filters, { Name: 'vpc-id', Values: [vpc, otherVpc] }] }))).RouteTables ?? [])
    .map((t) => t.RouteTableId as string).sort();
const newTable = async (vpcId = vpc) => {
  const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId as string;
  tables.push(id);
  return id;
};
const mainOf = async (vpcId: string) =>
  (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables?.[0] as RouteTable;

test('CreateVpc made the main table: the local routes (IPv4 and IPv6) and the main association', async () => {
  const main = await mainOf(vpc);
  assert.match(main.RouteTableId ?? '', /^rtb-[0-9a-f]{17}$/);
  assert.equal(main.VpcId, vpc);
  assert.equal(main.Routes?.length, 2);
  assert.deepEqual(main.Routes?.[0], { DestinationCidrBlock: '10.50.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' });
  assert.equal(main.Routes?.[1].GatewayId, 'local');
  assert.match(main.Routes?.[1].DestinationIpv6CidrBlock ?? '', /::\/56$/);
  assert.equal(main.Associations?.length, 1, 'subnets without an explicit association are not listed');
  const [a] = main.Associations ?? [];
  assert.equal(a.Main, true);
  assert.equal(a.SubnetId, undefined);
  assert.equal(a.RouteTableId, main.RouteTableId);
  assert.match(a.RouteTableAssociationId ?? '', /^rtbassoc-[0-9a-f]{17}$/);
  assert.deepEqual(a.AssociationState, { State: 'associated' });
  assert.deepEqual(main.PropagatingVgws, []);
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTableId })), 'DependencyViolation',
    { message: new RegExp(`The routeTable '${main.RouteTableId}' has dependencies and cannot be deleted.`) });
  await expectEc2Error(ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId })), 'InvalidParameterValue',
    { message: /cannot disassociate the main route table association/ });
});

test('CreateRouteTable: tags, ClientToken, local routes; DeleteRouteTable', async () => {
  const input = { VpcId: vpc, ClientToken: `rt-${Date.now()}`, TagSpecifications: [{ ResourceType: 'route-table' as const, Tags: [{ Key: 'Name', Value: 'web' }] }] };
  const first = await ec2.send(new CreateRouteTableCommand(input));
  const id = first.RouteTable?.RouteTableId as string;
  tables.push(id);
  assert.equal(first.ClientToken, input.ClientToken);
  assert.deepEqual(first.RouteTable?.Tags, [{ Key: 'Name', Value: 'web' }]);
  assert.deepEqual(first.RouteTable?.Associations, []);
  assert.deepEqual(first.RouteTable?.Routes?.map((r) => r.GatewayId), ['local', 'local']);
  const again = await ec2.send(new CreateRouteTableCommand(input));
  assert.equal(again.RouteTable?.RouteTableId, id, 'the same ClientToken answers the same table');
  await expectEc2Error(ec2.send(new CreateRouteTableCommand({ ...input, VpcId: otherVpc })), 'IdempotentParameterMismatch');
  assert.deepEqual(await idsWhere([{ Name: 'tag:Name', Values: ['web'] }]), [id]);

  await expectEc2Error(ec2.send(new CreateRouteTableCommand({ VpcId: 'vpc-0123456789abcdef0' })), 'InvalidVpcID.NotFound');
  await expectEc2Error(ec2.send(new CreateRouteTableCommand({ VpcId: 'vpc-nope' })), 'InvalidVpcID.Malformed');
  await expectEc2Error(ec2.send(new CreateRouteTableCommand({ VpcId: vpc, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpc })), 'DependencyViolation');

  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: id }));
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] })), 'InvalidRouteTableID.NotFound');
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })), 'InvalidRouteTableID.NotFound');
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: 'rtb-x' })), 'InvalidRouteTableID.Malformed');
});

test('routes to an internet gateway: attached to the VPC, IPv4 and IPv6, duplicates, blackhole when detached', async () => {
  const t = await newTable();
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'InvalidParameterValue',
    { message: new RegExp(`route table ${t} and network gateway ${igw} belong to different networks`) });
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  assert.deepEqual(await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })).then((r) => r.Return), true);
  await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationIpv6CidrBlock: '::/0', GatewayId: igw }));
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'RouteAlreadyExists',
    { message: /The route identified by 0.0.0.0\/0 already exists/ });
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '10.50.0.0/16', GatewayId: igw })), 'RouteAlreadyExists');
  const other = await newTable(otherVpc);
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: other, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'InvalidParameterValue');

  let table = await describeOne(t);
  const internet = table.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
  assert.deepEqual(internet, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, Origin: 'CreateRoute', State: 'active' });
  assert.equal(table.Routes?.find((r) => r.DestinationIpv6CidrBlock === '::/0')?.State, 'active');
  assert.deepEqual(await idsWhere([{ Name: 'route.gateway-id', Values: [igw] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'route.destination-ipv6-cidr-block', Values: ['::/0'] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'route.origin', Values: ['CreateRoute'] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'route.state', Values: ['blackhole'] }]), []);
  assert.deepEqual((await routerOf(s, vpc)).routes, [], 'internet routes need no router extra route');

  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  table = await describeOne(t);
  assert.deepEqual(table.Routes?.filter((r) => r.GatewayId === igw).map((r) => r.State), ['blackhole', 'blackhole']);
  assert.deepEqual(await idsWhere([{ Name: 'route.state', Values: ['blackhole'] }]), [t]);
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  assert.equal((await describeOne(t)).Routes?.find((r) => r.GatewayId === igw)?.State, 'active');

  // DeleteRoute: the local route stays, a missing one is InvalidRoute.NotFound.
  await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '10.50.0.0/16' })), 'InvalidParameterValue',
    { message: /cannot remove local route 10.50.0.0\/16/ });
  await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.0.0/16' })), 'InvalidRoute.NotFound',
    { message: new RegExp(`no route with destination-cidr-block 192.168.0.0/16 in route table ${t}`) });
  await ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationIpv6CidrBlock: '::/0' }));
  await ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0' }));
  assert.deepEqual((await describeOne(t)).Routes?.map((r) => r.GatewayId), ['local', 'local']);
});

test('CreateRoute/ReplaceRoute: destinations and targets checked, the local route protected', async () => {
  const t = await newTable();
  const bad = (input: object, code: string, message?: RegExp) =>
    expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: t, ...input })), code, { message });
  await bad({ DestinationCidrBlock: '10.9.0.1/16', GatewayId: igw }, 'InvalidParameterValue', /destinationCidrBlock/);
  await bad({ DestinationCidrBlock: '::/0', GatewayId: igw }, 'InvalidParameterValue');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', DestinationIpv6CidrBlock: '::/0', GatewayId: igw }, 'InvalidParameterCombination');
  await bad({ GatewayId: igw }, 'MissingParameter');
  await bad({ DestinationCidrBlock: '0.0.0.0/0' }, 'MissingParameter');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, NetworkInterfaceId: 'eni-0123456789abcdef0' }, 'InvalidParameterCombination');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123456789abcdef0' }, 'InvalidGatewayID.NotFound');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vgw-0123456789abcdef0' }, 'InvalidGatewayID.NotFound');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'local' }, 'InvalidParameterValue');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-0123456789abcdef0' }, 'InvalidNetworkInterfaceID.NotFound');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-x' }, 'InvalidNetworkInterfaceID.Malformed');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', InstanceId: 'i-0123456789abcdef0' }, 'InvalidInstanceID.NotFound');
  await bad({ DestinationCidrBlock: '0.0.0.0/0', InstanceId: 'i-x' }, 'InvalidInstanceID.Malformed');
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'InvalidRouteTableID.NotFound');
  assert.deepEqual((await describeOne(t)).Routes?.length, 2, 'nothing was added by refused requests');

  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'InvalidParameterValue',
    { message: /There is no route defined for '0.0.0.0\/0' in the route table. Use CreateRoute instead./ });
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '10.50.0.0/16', GatewayId: igw })), 'InvalidParameterValue');
  await ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '10.50.0.0/16', GatewayId: 'local' }));

  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })).catch(() => undefined);
  await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '172.16.0.0/12', GatewayId: igw }));
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '172.16.0.0/12', NetworkInterfaceId: 'eni-0123456789abcdef0' })),
    'InvalidNetworkInterfaceID.NotFound');
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'local' })), 'InvalidParameterValue');
  const route = (await describeOne(t)).Routes?.find((r) => r.DestinationCidrBlock === '172.16.0.0/12');
  assert.equal(route?.GatewayId, igw, 'a refused replace keeps the route');
  await ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '172.16.0.0/12', GatewayId: igw }));
  assert.equal((await describeOne(t)).Routes?.find((r) => r.DestinationCidrBlock === '172.16.0.0/12')?.Origin, 'CreateRoute');
  await ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '172.16.0.0/12' }));
});

test('associations: subnets and gateways, one table per subnet, same VPC; disassociate; the main association moves', async () => {
  const t = await newTable();
  const { AssociationId, AssociationState } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetA }));
  assert.match(AssociationId ?? '', /^rtbassoc-[0-9a-f]{17}$/);
  assert.deepEqual(AssociationState, { State: 'associated' });
  const table = await describeOne(t);
  assert.deepEqual(table.Associations, [{
    Main: false, RouteTableAssociationId: AssociationId, RouteTableId: t, SubnetId: subnetA, AssociationState: { State: 'associated' },
  }]);
  assert.deepEqual(await idsWhere([{ Name: 'association.subnet-id', Values: [subnetA] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'association.route-table-association-id', Values: [AssociationId as string] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'association.main', Values: ['false'] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'association.route-table-id', Values: [t] }]), [t]);

  const t2 = await newTable();
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t2, SubnetId: subnetA })), 'Resource.AlreadyAssociated',
    { message: /conflicts with an existing association/ });
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetA })), 'Resource.AlreadyAssociated');
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: otherSubnet })), 'InvalidParameterValue',
    { message: /belong to different networks/ });
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: 'subnet-0123456789abcdef0' })), 'InvalidSubnetID.NotFound');
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t })), 'MissingParameter');
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetB, GatewayId: igw })), 'InvalidParameterCombination');
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: t })), 'DependencyViolation');

  // Gateway (edge) association: the gateway must be attached to the VPC.
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })).catch(() => undefined);
  const edge = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: t2, GatewayId: igw }));
  assert.deepEqual(await idsWhere([{ Name: 'association.gateway-id', Values: [igw] }]), [t2]);
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, GatewayId: igw })), 'Resource.AlreadyAssociated');
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, GatewayId: 'igw-0123456789abcdef0' })), 'InvalidGatewayID.NotFound');
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })), 'DependencyViolation');
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId: edge.AssociationId }));

  // Move the subnet to another table: a new association id.
  const moved = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId, RouteTableId: t2 }));
  assert.notEqual(moved.NewAssociationId, AssociationId);
  assert.deepEqual(moved.AssociationState, { State: 'associated' });
  assert.deepEqual(await idsWhere([{ Name: 'association.subnet-id', Values: [subnetA] }]), [t2]);
  await expectEc2Error(ec2.send(new DisassociateRouteTableCommand({ AssociationId })), 'InvalidAssociationID.NotFound');
  await expectEc2Error(ec2.send(new DisassociateRouteTableCommand({ AssociationId: 'rtbassoc-x' })), 'InvalidAssociationID.Malformed');
  await expectEc2Error(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: moved.NewAssociationId, RouteTableId: await newTable(otherVpc) })),
    'InvalidParameterValue');
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId: moved.NewAssociationId }));
  assert.deepEqual((await describeOne(t2)).Associations, []);

  // The main association moves to another table; the former main table can then be deleted.
  const oldMain = await mainOf(vpc);
  const mainAssoc = oldMain.Associations?.[0].RouteTableAssociationId as string;
  const m = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: t2 }));
  const newMain = await mainOf(vpc);
  assert.equal(newMain.RouteTableId, t2);
  assert.deepEqual(newMain.Associations?.map((a) => [a.Main, a.RouteTableAssociationId, a.SubnetId]), [[true, m.NewAssociationId, undefined]]);
  assert.deepEqual((await describeOne(oldMain.RouteTableId as string)).Associations, []);
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: t2 })), 'DependencyViolation');
  // Give the main association back, so the VPC deletes its own main table.
  await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: m.NewAssociationId, RouteTableId: oldMain.RouteTableId }));
  assert.equal((await mainOf(vpc)).RouteTableId, oldMain.RouteTableId);
});

test('DescribeRouteTables: ids, owner and route filters, paging, aws-cli', async () => {
  const t = await newTable();
  const table = await describeOne(t);
  assert.deepEqual(await idsWhere([{ Name: 'route-table-id', Values: [t] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'owner-id', Values: [table.OwnerId as string] }, { Name: 'route-table-id', Values: [t] }]), [t]);
  assert.deepEqual(await idsWhere([{ Name: 'owner-id', Values: ['000000000000'] }]), []);
  assert.ok((await idsWhere([{ Name: 'route.destination-cidr-block', Values: ['10.50.0.0/16'] }])).includes(t));
  assert.ok(!(await idsWhere([{ Name: 'route.destination-cidr-block', Values: ['10.50.0.0/16'] }])).some((id) => id === undefined));
  assert.deepEqual(await idsWhere([{ Name: 'route.network-interface-id', Values: ['*'] }]), []);
  assert.deepEqual(await idsWhere([{ Name: 'route.instance-id', Values: ['*'] }]), []);
  assert.deepEqual(await idsWhere([{ Name: 'route.nat-gateway-id', Values: ['*'] }]), []);
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.bogus', Values: ['x'] }] })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [t, 'rtb-0123456789abcdef0'] })), 'InvalidRouteTableID.NotFound');
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-x'] })), 'InvalidRouteTableID.Malformed');

  const all = await idsWhere([]);
  while (all.length < 7) all.push(await newTable());
  all.sort();
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: 5, NextToken, Filters: [{ Name: 'vpc-id', Values: [vpc, otherVpc] }] }));
    assert.ok((page.RouteTables?.length ?? 0) <= 5);
    seen.push(...(page.RouteTables ?? []).map((x) => x.RouteTableId as string));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.sort(), all);
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ MaxResults: 101 })), 'InvalidParameterValue');

  const cli = await s.cli(['describe-route-tables', '--route-table-ids', t]);
  assert.ok(cli.ok, cli.stderr);
  const rt = (cli.json as { RouteTables: { RouteTableId: string; Routes: { GatewayId: string; State: string }[] }[] }).RouteTables[0];
  assert.equal(rt.RouteTableId, t);
  assert.deepEqual(rt.Routes.map((r) => [r.GatewayId, r.State]), [['local', 'active'], ['local', 'active']]);
  const made = await s.cli(['create-route', '--route-table-id', t, '--destination-cidr-block', '203.0.113.0/24', '--gateway-id', 'igw-0123456789abcdef0']);
  assert.equal(made.ok, false);
  assert.match(made.stderr, /InvalidGatewayID.NotFound/);
});

test('Enable/DisableVgwRoutePropagation: no VPN gateway exists here', async () => {
  const t = await newTable();
  for (const Command of [EnableVgwRoutePropagationCommand, DisableVgwRoutePropagationCommand]) {
    await expectEc2Error(ec2.send(new Command({ RouteTableId: t, GatewayId: 'vgw-0123456789abcdef0' })), 'InvalidVpnGatewayID.NotFound');
    await expectEc2Error(ec2.send(new Command({ RouteTableId: t, GatewayId: 'nope' })), 'InvalidVpnGatewayID.Malformed');
    await expectEc2Error(ec2.send(new Command({ RouteTableId: 'rtb-0123456789abcdef0', GatewayId: 'vgw-0123456789abcdef0' })), 'InvalidRouteTableID.NotFound');
  }
  assert.deepEqual((await describeOne(t)).PropagatingVgws, []);
});

test('a second project sees none of the tables and can change none', async () => {
  const t = await newTable();
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })).catch(() => undefined);
  await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  const { AssociationId } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetB }));
  const beta = s.client(s.beta);
  const betaVpc = (await beta.send(new CreateVpcCommand({ CidrBlock: '10.52.0.0/16' }))).Vpc?.VpcId as string;
  try {
    const betaTable = (await beta.send(new CreateRouteTableCommand({ VpcId: betaVpc }))).RouteTable?.RouteTableId as string;
    await expectEc2Error(beta.send(new DescribeRouteTablesCommand({ RouteTableIds: [t] })), 'InvalidRouteTableID.NotFound');
    const listed = ((await beta.send(new DescribeRouteTablesCommand({}))).RouteTables ?? []).map((x) => x.VpcId);
    assert.ok(!listed.includes(vpc) && !listed.includes(otherVpc));
    await expectEc2Error(beta.send(new CreateRouteTableCommand({ VpcId: vpc })), 'InvalidVpcID.NotFound');
    await expectEc2Error(beta.send(new DeleteRouteTableCommand({ RouteTableId: t })), 'InvalidRouteTableID.NotFound');
    await expectEc2Error(beta.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '10.9.0.0/16', GatewayId: igw })), 'InvalidRouteTableID.NotFound');
    await expectEc2Error(beta.send(new CreateRouteCommand({ RouteTableId: betaTable, DestinationCidrBlock: '10.9.0.0/16', GatewayId: igw })), 'InvalidGatewayID.NotFound');
    await expectEc2Error(beta.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'InvalidRouteTableID.NotFound');
    await expectEc2Error(beta.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '0.0.0.0/0' })), 'InvalidRouteTableID.NotFound');
    await expectEc2Error(beta.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetA })), 'InvalidRouteTableID.NotFound');
    await expectEc2Error(beta.send(new AssociateRouteTableCommand({ RouteTableId: betaTable, SubnetId: subnetA })), 'InvalidSubnetID.NotFound');
    await expectEc2Error(beta.send(new DisassociateRouteTableCommand({ AssociationId })), 'InvalidAssociationID.NotFound');
    await expectEc2Error(beta.send(new ReplaceRouteTableAssociationCommand({ AssociationId, RouteTableId: betaTable })), 'InvalidAssociationID.NotFound');
    await expectEc2Error(beta.send(new EnableVgwRoutePropagationCommand({ RouteTableId: t, GatewayId: 'vgw-0123456789abcdef0' })), 'InvalidRouteTableID.NotFound');
    const table = await describeOne(t);
    assert.deepEqual(table.Associations?.map((a) => a.SubnetId), [subnetB]);
    assert.equal(table.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.GatewayId, igw);
    await beta.send(new DeleteRouteTableCommand({ RouteTableId: betaTable }));
  } finally {
    await beta.send(new DeleteVpcCommand({ VpcId: betaVpc }));
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId }));
  }
});

test('a deleted subnet takes its explicit association with it', async () => {
  const t = await newTable();
  const sn = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.50.9.0/24' }))).Subnet?.SubnetId as string;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: sn }));
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: t })), 'DependencyViolation');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: sn }));
  assert.deepEqual((await describeOne(t)).Associations, []);
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: t }));
});

test('routes to a network interface: the router extra routes follow the tables its subnets use; blackhole until attached', async () => {
  const eni = await makeInterface(s, vpc, subnetA);
  const t = await newTable();
  try {
    await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.50.0/24', NetworkInterfaceId: eni.id }));
    let route = (await describeOne(t)).Routes?.find((r) => r.DestinationCidrBlock === '192.168.50.0/24');
    assert.deepEqual(route, { DestinationCidrBlock: '192.168.50.0/24', NetworkInterfaceId: eni.id, Origin: 'CreateRoute', State: 'blackhole' },
      'an interface attached to nothing is a blackhole');
    assert.deepEqual(await idsWhere([{ Name: 'route.network-interface-id', Values: [eni.id] }]), [t]);
    assert.deepEqual((await routerOf(s, vpc)).routes, [], 'a table no subnet uses is not realized');

    const { AssociationId } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, SubnetId: subnetB }));
    assert.deepEqual((await routerOf(s, vpc)).routes, [{ destination: '192.168.50.0/24', nexthop: eni.ip }]);
    await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.60.0/24', NetworkInterfaceId: eni.id }));
    assert.deepEqual((await routerOf(s, vpc)).routes.map((r) => r.destination).sort(), ['192.168.50.0/24', '192.168.60.0/24']);
    await ec2.send(new DeleteRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.60.0/24' }));
    assert.deepEqual((await routerOf(s, vpc)).routes, [{ destination: '192.168.50.0/24', nexthop: eni.ip }]);

    // Attached (as the interface area records it), the route is active and names the instance.
    const stored = await s.app.store.resources.find<Record<string, unknown>>(s.alpha.projectId, s.region, eni.id);
    await s.app.store.resources.updateAttrs(s.alpha.projectId, eni.id, {
      ...stored?.attrs, attachment: { attachmentId: 'eni-attach-0123456789abcdef0', instanceId: 'i-0123456789abcdef0', deviceIndex: 1, deleteOnTermination: false, attachTime: new Date().toISOString() },
    });
    route = (await describeOne(t)).Routes?.find((r) => r.DestinationCidrBlock === '192.168.50.0/24');
    assert.equal(route?.State, 'active');
    assert.equal(route?.InstanceId, 'i-0123456789abcdef0');
    assert.equal(route?.InstanceOwnerId, (await describeOne(t)).OwnerId);

    // An interface of another VPC is refused; replacing the target by a gateway takes the extra route away.
    await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: await newTable(otherVpc), DestinationCidrBlock: '192.168.70.0/24', NetworkInterfaceId: eni.id })),
      'InvalidParameterValue', { message: /belong to different networks/ });
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })).catch(() => undefined);
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.50.0/24', GatewayId: igw }));
    assert.deepEqual((await routerOf(s, vpc)).routes, []);
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.50.0/24', NetworkInterfaceId: eni.id }));
    assert.deepEqual((await routerOf(s, vpc)).routes, [{ destination: '192.168.50.0/24', nexthop: eni.ip }]);
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId }));
    assert.deepEqual((await routerOf(s, vpc)).routes, [], 'disassociated: no subnet uses the table');

    // The main table is used by every subnet without an association of its own.
    const main = (await mainOf(vpc)).RouteTableId as string;
    await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: '192.168.80.0/24', NetworkInterfaceId: eni.id }));
    assert.deepEqual((await routerOf(s, vpc)).routes, [{ destination: '192.168.80.0/24', nexthop: eni.ip }]);
    await ec2.send(new DeleteRouteCommand({ RouteTableId: main, DestinationCidrBlock: '192.168.80.0/24' }));
    assert.deepEqual((await routerOf(s, vpc)).routes, []);

    // Once the interface is gone the route is a blackhole.
    await ec2.send(new CreateRouteCommand({ RouteTableId: t, DestinationCidrBlock: '192.168.90.0/24', NetworkInterfaceId: eni.id }));
  } finally {
    await dropInterface(s, eni);
  }
  const left = (await describeOne(t)).Routes?.filter((r) => r.NetworkInterfaceId === eni.id).map((r) => r.State);
  assert.deepEqual(left, ['blackhole', 'blackhole']);
});
