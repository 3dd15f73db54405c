/**
 * Network interfaces through @aws-sdk/client-ec2 (and aws-cli): create with addresses and groups, Describe with
 * its filters and paging, attributes, private/IPv6 address assignment, attach/detach (with a stand-in instance
 * until instances exist), permissions, parallel creates in a small subnet, ports made on the cloud side, and a
 * second project that sees and changes nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AssignIpv6AddressesCommand, AssignPrivateIpAddressesCommand, AttachNetworkInterfaceCommand, CreateNetworkInterfaceCommand,
  CreateNetworkInterfacePermissionCommand, CreateSubnetCommand, CreateVpcCommand, DeleteNetworkInterfaceCommand,
  DeleteNetworkInterfacePermissionCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacePermissionsCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, DescribeVpcsCommand,
  DetachNetworkInterfaceCommand, type EC2Client, type Filter, ModifyNetworkInterfaceAttributeCommand, type NetworkInterface,
  ResetNetworkInterfaceAttributeCommand, UnassignIpv6AddressesCommand, UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { type InstanceRef, setInstanceLookup } from '../../../src/actions/network-interfaces.js';
import { ProviderError } from '../../../src/cloud/errors.js';
import type { CloudContext } from '../../../src/cloud/provider.js';
import { newRunId } from '../../helpers/cleanup.js';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, TEST_BACKEND, TESTCLOUD_DIR, type TestServer } from '../../helpers/server.js';

const OPENSTACK = TEST_BACKEND === 'openstack';
const exec = promisify(execFile);

let s: TestServer;
let ec2: EC2Client;
let beta: EC2Client;
const runId = newRunId();
let vpcId: string;
let otherVpcId: string;
let defaultGroupId: string;
let otherDefaultGroupId: string;
/** 10.40.1.0/24 in the VPC's first zone. */
let subnetId: string;
let zone: string;
const vpcs: string[] = [];

/** Stand-in instances (instances arrive with RunInstances): i- ids the lookup knows, in the subnet's zone. */
const instances = new Map<string, InstanceRef>();

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  beta = s.client(s.beta);
  const tag = [{ ResourceType: 'vpc' as const, Tags: [{ Key: 'run', Value: runId }] }];
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16', TagSpecifications: tag }))).Vpc?.VpcId as string;
  vpcs.push(vpcId);
  otherVpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.41.0.0/16', TagSpecifications: tag }))).Vpc?.VpcId as string;
  vpcs.push(otherVpcId);
  const sn = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24' }))).Subnet;
  subnetId = sn?.SubnetId as string;
  zone = sn?.AvailabilityZone as string;
  const groupOf = async (id: string) => {
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }));
    assert.ok(Vpcs?.[0]);
    // The VPC's default group id is in the store (VpcAttrs.defaultSecurityGroupId); DescribeSecurityGroups is another area's.
    const vpc = await s.app.store.resources.find<{ defaultSecurityGroupId: string }>(s.alpha.projectId, s.region, id);
    return vpc?.attrs.defaultSecurityGroupId as string;
  };
  defaultGroupId = await groupOf(vpcId);
  otherDefaultGroupId = await groupOf(otherVpcId);
  setInstanceLookup(async (ctx, id) => (ctx.projectId === s.alpha.projectId ? instances.get(id) : undefined));
});

after(async () => {
  try {
    for (const v of vpcs) {
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [v] }] }));
      for (const n of NetworkInterfaces ?? []) {
        if (n.Attachment?.AttachmentId) {
          await s.app.store.resources.updateAttrs(s.alpha.projectId, n.NetworkInterfaceId as string, {
            ...(await s.app.store.resources.find(s.alpha.projectId, s.region, n.NetworkInterfaceId as string))?.attrs, attachment: undefined,
          });
        }
        await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: n.NetworkInterfaceId })).catch(() => undefined);
      }
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [v] }] }));
      for (const sn of Subnets ?? []) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId })).catch(() => undefined);
      await ec2.send(new DeleteVpcCommand({ VpcId: v })).catch(() => undefined);
    }
  } finally {
    await s.close();
  }
});

// -- the cloud side -----------------------------------------------------------------------------------------

const openstackCli = async (args: string[]) => {
  const { stdout } = await exec('openstack', ['--os-cloud', 'demo', ...args, '-f', 'json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
  });
  return JSON.parse(stdout);
};
const alphaCloudCtx = (): CloudContext => ({ requestId: 'test', projectId: s.alpha.projectId, userId: 'test', region: s.region });

/** The port named `name` as the cloud has it (the openstack CLI on OpenStack, the provider on the embedded cloud). */
async function cloudPort(name: string): Promise<{ id: string; ips: string[]; description: string } | undefined> {
  if (OPENSTACK) {
    const list = await openstackCli(['port', 'list', '--name', name, '--long']);
    if (!list.length) return undefined;
    const p = await openstackCli(['port', 'show', list[0].ID]);
    return { id: p.id, ips: p.fixed_ips.map((f: { ip_address: string }) => f.ip_address).sort(), description: p.description };
  }
  const { items } = await s.app.cloud.network.listPorts(alphaCloudCtx());
  const p = items.find((x) => x.name === name);
  return p && { id: p.id, ips: p.fixedIps.map((f) => f.ipAddress).sort(), description: p.description };
}

/** A port made on the cloud side on the EC2 subnet's network; returns its id and address. */
async function cloudCreatePort(ec2SubnetId: string, name: string): Promise<{ id: string; ip: string }> {
  if (OPENSTACK) {
    const p = await openstackCli(['port', 'create', '--network', ec2SubnetId, '--no-security-group', name]);
    return { id: p.id, ip: p.fixed_ips[0].ip_address };
  }
  const net = s.app.cloud.network;
  const { items } = await net.listNetworks(alphaCloudCtx(), { filters: { name: [ec2SubnetId] } });
  const p = await net.createPort(alphaCloudCtx(), { networkId: items[0].id, name });
  return { id: p.id, ip: p.fixedIps[0].ipAddress };
}

/** How many ports the cloud has on the EC2 subnet's network (the router's and DHCP ports included). */
async function cloudPortsOn(ec2SubnetId: string): Promise<number> {
  if (OPENSTACK) return (await openstackCli(['port', 'list', '--network', ec2SubnetId])).length;
  const net = s.app.cloud.network;
  const { items } = await net.listNetworks(alphaCloudCtx(), { filters: { name: [ec2SubnetId] } });
  return (await net.listPorts(alphaCloudCtx(), { filters: { networkId: [items[0].id] } })).items.length;
}

async function cloudDeletePort(id: string) {
  if (OPENSTACK) await exec('openstack', ['--os-cloud', 'demo', 'port', 'delete', id], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
  });
  else await s.app.cloud.network.deletePort(alphaCloudCtx(), id);
}

// -- helpers ----------------------------------------------------------------------------------------------

const ENI_ID = /^eni-[0-9a-f]{17}$/;
const create = async (input: Partial<ConstructorParameters<typeof CreateNetworkInterfaceCommand>[0]> = {}) =>
  (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ...input }))).NetworkInterface as NetworkInterface;
const del = (id: string | undefined) => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
const one = async (id: string | undefined) =>
  (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id as string] }))).NetworkInterfaces?.[0] as NetworkInterface;
const ids = async (filters: Filter[]) =>
  ((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters }))).NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId).sort();
const ipValue = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const dnsName = (ip: string) => (s.region === 'us-east-1' ? `ip-${ip.replaceAll('.', '-')}.ec2.internal` : `ip-${ip.replaceAll('.', '-')}.${s.region}.compute.internal`);

// -- tests ------------------------------------------------------------------------------------------------

test('CreateNetworkInterface: the shape AWS answers with; DescribeNetworkInterfaces by id; aws-cli; the cloud has the port', async () => {
  const ni = await create({ Description: 'first', TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'one' }] }] });
  try {
    assert.match(ni.NetworkInterfaceId ?? '', ENI_ID);
    assert.equal(ni.Status, 'pending');
    assert.equal(ni.SubnetId, subnetId);
    assert.equal(ni.VpcId, vpcId);
    assert.equal(ni.AvailabilityZone, zone);
    assert.equal(ni.Description, 'first');
    assert.equal(ni.InterfaceType, 'interface');
    assert.equal(ni.RequesterManaged, false);
    assert.equal(ni.SourceDestCheck, true);
    assert.match(ni.MacAddress ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(ni.Groups, [{ GroupId: defaultGroupId, GroupName: 'default' }]);
    assert.deepEqual(ni.Ipv6Addresses, []);
    assert.deepEqual(ni.TagSet, [{ Key: 'Name', Value: 'one' }]);
    const ip = ni.PrivateIpAddress as string;
    // AWS keeps .0-.3 and .255: the address comes from .4-.254.
    assert.ok(ipValue(ip) >= ipValue('10.40.1.4') && ipValue(ip) <= ipValue('10.40.1.254'), ip);
    assert.equal(ni.PrivateDnsName, dnsName(ip));
    assert.deepEqual(ni.PrivateIpAddresses, [{ Primary: true, PrivateIpAddress: ip, PrivateDnsName: dnsName(ip) }]);
    assert.equal(ni.Attachment, undefined);
    assert.equal(ni.Association, undefined);

    const d = await one(ni.NetworkInterfaceId);
    assert.equal(d.Status, 'available');
    assert.deepEqual({ ...d, Status: 'pending' }, ni, 'Describe shows what Create answered');

    const cli = await s.cli(['describe-network-interfaces', '--network-interface-ids', ni.NetworkInterfaceId as string]);
    assert.ok(cli.ok, cli.stderr);
    const viaCli = (cli.json as { NetworkInterfaces: NetworkInterface[] }).NetworkInterfaces[0];
    assert.equal(viaCli.PrivateIpAddress, ip);
    assert.equal(viaCli.Status, 'available');

    const port = await cloudPort(ni.NetworkInterfaceId as string);
    assert.ok(port, 'the cloud has a port named after the interface');
    assert.deepEqual(port.ips, [ip]);
    assert.equal(port.description, 'first');
  } finally {
    await del(ni.NetworkInterfaceId);
  }
  await expectEc2Error(one(ni.NetworkInterfaceId), 'InvalidNetworkInterfaceID.NotFound');
  assert.equal(await cloudPort(ni.NetworkInterfaceId as string), undefined, 'the port is gone');
  await expectEc2Error(del(ni.NetworkInterfaceId), 'InvalidNetworkInterfaceID.NotFound');
  await expectEc2Error(del('eni-nope'), 'InvalidNetworkInterfaceID.Malformed');
});

test('CreateNetworkInterface: primary and secondary addresses, a count, and the refusals', async () => {
  const ni = await create({
    PrivateIpAddress: '10.40.1.10',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.11', Primary: false }, { PrivateIpAddress: '10.40.1.12' }],
  });
  const made = [ni];
  try {
    const counted = await create({ PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.20', Primary: true }], SecondaryPrivateIpAddressCount: 2 });
    made.push(counted);
    const auto = await create({ SecondaryPrivateIpAddressCount: 2 });
    made.push(auto);
    assert.equal(ni.PrivateIpAddress, '10.40.1.10');
    assert.deepEqual(ni.PrivateIpAddresses?.map((a) => [a.PrivateIpAddress, a.Primary]), [['10.40.1.10', true], ['10.40.1.11', false], ['10.40.1.12', false]]);
    assert.equal(counted.PrivateIpAddress, '10.40.1.20');
    assert.equal(counted.PrivateIpAddresses?.length, 3);
    assert.deepEqual(counted.PrivateIpAddresses?.map((a) => a.Primary), [true, false, false]);
    assert.equal(auto.PrivateIpAddresses?.length, 3);
    assert.equal(auto.PrivateIpAddresses?.filter((a) => a.Primary).length, 1);
    assert.equal((await one(auto.NetworkInterfaceId)).PrivateIpAddress, auto.PrivateIpAddress, 'the primary stays the primary');
    const taken = new Set([...ni.PrivateIpAddresses ?? [], ...counted.PrivateIpAddresses ?? [], ...auto.PrivateIpAddresses ?? []].map((a) => a.PrivateIpAddress));
    assert.equal(taken.size, 9, 'no address handed out twice');

    await expectEc2Error(create({ PrivateIpAddress: '10.40.1.11' }), 'InvalidIPAddress.InUse');
    await expectEc2Error(create({ PrivateIpAddress: '10.40.2.10' }), 'InvalidParameterValue', { message: /does not fall within the subnet's address range/ });
    await expectEc2Error(create({ PrivateIpAddress: '10.40.1.1' }), 'InvalidParameterValue', { message: /reserved/ });
    await expectEc2Error(create({ PrivateIpAddress: '10.40.1.255' }), 'InvalidParameterValue', { message: /reserved/ });
    await expectEc2Error(create({ PrivateIpAddress: 'banana' }), 'InvalidParameterValue');
    await expectEc2Error(create({
      PrivateIpAddress: '10.40.1.30', PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.31', Primary: true }],
    }), 'InvalidParameterCombination');
    await expectEc2Error(create({ SecondaryPrivateIpAddressCount: 60 }), 'PrivateIpAddressLimitExceeded');
    await expectEc2Error(create({ SubnetId: 'subnet-0123456789abcdef0' }), 'InvalidSubnetID.NotFound');
    await expectEc2Error(create({ SubnetId: 'sub-1' }), 'InvalidSubnetID.Malformed');
    await expectEc2Error(create({ Ipv6AddressCount: 1 }), 'InvalidParameterValue', { message: /IPv6/ });
    await expectEc2Error(create({ InterfaceType: 'bogus' as 'efa' }), 'InvalidParameterValue');
    const after = await ids([{ Name: 'subnet-id', Values: [subnetId] }]);
    assert.deepEqual(after, [ni, counted, auto].map((x) => x.NetworkInterfaceId).sort(), 'refused creates made nothing');
  } finally {
    for (const x of made) await del(x.NetworkInterfaceId);
  }
});

test('CreateNetworkInterface: groups of the subnet VPC only, at most the configured number; ClientToken', async () => {
  const ni = await create({ Groups: [defaultGroupId] });
  try {
    assert.deepEqual(ni.Groups, [{ GroupId: defaultGroupId, GroupName: 'default' }]);
    await expectEc2Error(create({ Groups: [otherDefaultGroupId] }), 'InvalidParameterValue', { message: /belong to different networks/ });
    await expectEc2Error(create({ Groups: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
    await expectEc2Error(create({ Groups: ['nope'] }), 'InvalidGroupId.Malformed');
    const limits = s.app.config.local as { max_security_groups_per_interface: number };
    const was = limits.max_security_groups_per_interface;
    limits.max_security_groups_per_interface = 1;
    try {
      await expectEc2Error(create({ Groups: [defaultGroupId, otherDefaultGroupId] }), 'SecurityGroupsPerInterfaceLimitExceeded');
    } finally {
      limits.max_security_groups_per_interface = was;
    }
    const token = `tok-${runId}`;
    const first = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ClientToken: token, Description: 'idem' }));
    const again = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ClientToken: token, Description: 'idem' }));
    assert.equal(again.NetworkInterface?.NetworkInterfaceId, first.NetworkInterface?.NetworkInterfaceId);
    assert.equal(first.ClientToken, token);
    await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, ClientToken: token, Description: 'other' })), 'IdempotentParameterMismatch');
    await del(first.NetworkInterface?.NetworkInterfaceId);
  } finally {
    await del(ni.NetworkInterfaceId);
  }
});

test('DescribeNetworkInterfaces: filters and paging', async () => {
  // Explicit addresses first: the cloud picks free addresses at random, and could pick these.
  const b = await create({ Description: 'alpha-two', PrivateIpAddress: '10.40.1.50', PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.51' }] });
  const made = [b];
  try {
    const a = await create({ Description: 'alpha-one', TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'web' }] }] });
    made.push(a);
    const both = [a, b].map((x) => x.NetworkInterfaceId).sort();
    const inSubnet = { Name: 'subnet-id', Values: [subnetId] };
    assert.deepEqual(await ids([inSubnet]), both);
    assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [vpcId] }]), both);
    assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [otherVpcId] }]), []);
    assert.deepEqual(await ids([{ Name: 'description', Values: ['alpha-o*'] }]), [a.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'tag:role', Values: ['web'] }]), [a.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'tag-key', Values: ['role'] }]), [a.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'private-ip-address', Values: ['10.40.1.51'] }]), [b.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'addresses.private-ip-address', Values: ['10.40.1.50'] }]), [b.NetworkInterfaceId]);
    assert.deepEqual(await ids([inSubnet, { Name: 'addresses.primary', Values: ['false'] }]), [b.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'network-interface-id', Values: [a.NetworkInterfaceId as string] }]), [a.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'mac-address', Values: [b.MacAddress as string] }]), [b.NetworkInterfaceId]);
    assert.deepEqual(await ids([{ Name: 'private-dns-name', Values: [dnsName('10.40.1.50')] }]), [b.NetworkInterfaceId]);
    assert.deepEqual(await ids([inSubnet, { Name: 'group-id', Values: [defaultGroupId] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'group-name', Values: ['default'] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'status', Values: ['available'] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'status', Values: ['in-use'] }]), []);
    assert.deepEqual(await ids([inSubnet, { Name: 'availability-zone', Values: [zone] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'interface-type', Values: ['interface'] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'source-dest-check', Values: ['true'] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'requester-managed', Values: ['false'] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'owner-id', Values: [a.OwnerId as string] }]), both);
    assert.deepEqual(await ids([inSubnet, { Name: 'attachment.instance-id', Values: ['*'] }]), []);
    assert.deepEqual(await ids([inSubnet, { Name: 'association.public-ip', Values: ['*'] }]), []);
    await expectEc2Error(ids([{ Name: 'no-such-filter', Values: ['x'] }]), 'InvalidParameterValue');
    await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [a.NetworkInterfaceId as string, 'eni-0123456789abcdef0'] })),
      'InvalidNetworkInterfaceID.NotFound', { message: /eni-0123456789abcdef0/ });

    // Paging: 5 to 1000 a page, every interface once.
    for (let i = 0; i < 4; i++) made.push(await create());
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [inSubnet], MaxResults: 5, NextToken: token }));
      assert.ok((page.NetworkInterfaces?.length ?? 0) <= 5);
      seen.push(...(page.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId as string));
      token = page.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), made.map((x) => x.NetworkInterfaceId).sort());
    await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
  } finally {
    for (const x of made) await del(x.NetworkInterfaceId);
  }
});

test('Describe/Modify/ResetNetworkInterfaceAttribute', async () => {
  const ni = await create({ Description: 'before' });
  const id = ni.NetworkInterfaceId as string;
  const attr = (Attribute: 'description' | 'sourceDestCheck' | 'groupSet' | 'attachment') =>
    ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute }));
  try {
    assert.deepEqual((await attr('description')).Description, { Value: 'before' });
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Description: { Value: 'after' } }));
    assert.deepEqual((await attr('description')).Description, { Value: 'after' });
    assert.equal((await one(id)).Description, 'after');
    assert.equal((await cloudPort(id))?.description, 'after');

    assert.deepEqual((await attr('sourceDestCheck')).SourceDestCheck, { Value: true });
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: { Value: false } }));
    assert.deepEqual((await attr('sourceDestCheck')).SourceDestCheck, { Value: false });
    assert.deepEqual(await ids([{ Name: 'source-dest-check', Values: ['false'] }]), [id]);
    await ec2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: 'true' }));
    assert.equal((await one(id)).SourceDestCheck, true);

    const groups = await attr('groupSet');
    assert.deepEqual(groups.Groups, [{ GroupId: defaultGroupId, GroupName: 'default' }]);
    assert.equal(groups.NetworkInterfaceId, id);
    await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Groups: [otherDefaultGroupId] })),
      'InvalidParameterValue', { message: /different networks/ });
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Groups: [defaultGroupId] }));
    assert.deepEqual((await one(id)).Groups?.map((g) => g.GroupId), [defaultGroupId]);

    assert.equal((await attr('attachment')).Attachment, undefined);
    await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({
      NetworkInterfaceId: id, Attachment: { AttachmentId: 'eni-attach-0123456789abcdef0', DeleteOnTermination: true },
    })), 'InvalidAttachmentID.NotFound');
    await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({
      NetworkInterfaceId: id, Description: { Value: 'x' }, SourceDestCheck: { Value: true },
    })), 'InvalidParameterCombination');
    await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id })), 'MissingParameter');
    await expectEc2Error(ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id })), 'MissingParameter');
    await expectEc2Error(ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute: 'bogus' as 'description' })), 'InvalidParameterValue');
    const cli = await s.cli(['describe-network-interface-attribute', '--network-interface-id', id, '--attribute', 'description']);
    assert.ok(cli.ok, cli.stderr);
    assert.deepEqual((cli.json as { Description: unknown }).Description, { Value: 'after' });
  } finally {
    await del(id);
  }
});

test('Assign/UnassignPrivateIpAddresses: by address, by count, AllowReassignment, the primary stays, the limit', async () => {
  const ni = await create({ PrivateIpAddress: '10.40.1.60' });
  const id = ni.NetworkInterfaceId as string;
  let other: NetworkInterface | undefined;
  try {
    other = await create({ PrivateIpAddress: '10.40.1.70', PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.71' }] });
    const byAddress = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.61', '10.40.1.62'] }));
    assert.equal(byAddress.NetworkInterfaceId, id);
    assert.deepEqual(byAddress.AssignedPrivateIpAddresses?.map((a) => a.PrivateIpAddress).sort(), ['10.40.1.61', '10.40.1.62']);
    const byCount = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 2 }));
    assert.equal(byCount.AssignedPrivateIpAddresses?.length, 2);
    let now = await one(id);
    assert.equal(now.PrivateIpAddress, '10.40.1.60', 'the primary stays');
    assert.equal(now.PrivateIpAddresses?.length, 5);
    assert.deepEqual(now.PrivateIpAddresses?.map((a) => a.Primary), [true, false, false, false, false]);

    await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.71'] })), 'InvalidIPAddress.InUse');
    await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.70'], AllowReassignment: true })),
      'InvalidIPAddress.InUse', { message: /in use/ });
    const moved = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.71'], AllowReassignment: true }));
    assert.deepEqual(moved.AssignedPrivateIpAddresses, [{ PrivateIpAddress: '10.40.1.71' }]);
    assert.deepEqual((await one(other?.NetworkInterfaceId)).PrivateIpAddresses?.map((a) => a.PrivateIpAddress), ['10.40.1.70'], 'taken from the other interface');
    assert.ok((await one(id)).PrivateIpAddresses?.some((a) => a.PrivateIpAddress === '10.40.1.71'));

    await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 50 })), 'PrivateIpAddressLimitExceeded');
    await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.99.0.5'] })), 'InvalidParameterValue');
    await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id })), 'MissingParameter');

    await expectEc2Error(ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.60'] })),
      'InvalidParameterValue', { message: /primary/ });
    await expectEc2Error(ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.99'] })),
      'InvalidParameterValue', { message: /not assigned/ });
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.61', '10.40.1.62'] }));
    now = await one(id);
    assert.equal(now.PrivateIpAddresses?.length, 4);
    assert.ok(!now.PrivateIpAddresses?.some((a) => a.PrivateIpAddress === '10.40.1.61'));
    assert.deepEqual((await cloudPort(id))?.ips, now.PrivateIpAddresses?.map((a) => a.PrivateIpAddress as string).sort(), 'the port has exactly these addresses');
    // The freed address can be used again.
    const reuse = await create({ PrivateIpAddress: '10.40.1.61' });
    await del(reuse.NetworkInterfaceId);
  } finally {
    await del(id);
    if (other) await del(other.NetworkInterfaceId);
  }
});

test('Assign/UnassignIpv6Addresses: refused in a subnet without an IPv6 block', async () => {
  // The subnets' IPv6 association is another area's (AssociateSubnetCidrBlock); until then only the refusal is testable.
  const ni = await create();
  try {
    await expectEc2Error(ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: ni.NetworkInterfaceId, Ipv6AddressCount: 1 })),
      'InvalidParameterValue', { message: /IPv6/ });
    await expectEc2Error(ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: ni.NetworkInterfaceId, Ipv6Addresses: ['fd00::5'] })),
      'InvalidParameterValue', { message: /not assigned/ });
    assert.deepEqual((await one(ni.NetworkInterfaceId)).Ipv6Addresses, []);
  } finally {
    await del(ni.NetworkInterfaceId);
  }
});

test('Attach/DetachNetworkInterface (a stand-in instance); in use: no delete; attachment attributes and filters', async () => {
  const ni = await create();
  const id = ni.NetworkInterfaceId as string;
  const plugged: string[] = [];
  const instanceId = 'i-0123456789abcdef0';
  instances.set(instanceId, {
    id: instanceId, osId: 'server-1', availabilityZone: zone, vpcId,
    plug: async (p) => { plugged.push(`+${p}`); }, unplug: async (p) => { plugged.push(`-${p}`); },
  });
  try {
    await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: 'i-0000000000000000f', DeviceIndex: 1 })), 'InvalidInstanceID.NotFound');
    await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: 'inst-1', DeviceIndex: 1 })), 'InvalidInstanceID.Malformed');
    const { AttachmentId, NetworkCardIndex } = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 }));
    assert.match(AttachmentId ?? '', /^eni-attach-[0-9a-f]{17}$/);
    assert.equal(NetworkCardIndex, 0);
    const port = await cloudPort(id);
    assert.deepEqual(plugged, [`+${port?.id}`], 'the port was plugged into the server');
    const d = await one(id);
    assert.equal(d.Status, 'in-use');
    assert.equal(d.Attachment?.AttachmentId, AttachmentId);
    assert.equal(d.Attachment?.InstanceId, instanceId);
    assert.equal(d.Attachment?.DeviceIndex, 1);
    assert.equal(d.Attachment?.Status, 'attached');
    assert.equal(d.Attachment?.DeleteOnTermination, false);
    assert.equal(d.Attachment?.InstanceOwnerId, d.OwnerId);
    assert.ok(d.Attachment?.AttachTime instanceof Date);
    assert.deepEqual(await ids([{ Name: 'attachment.instance-id', Values: [instanceId] }]), [id]);
    assert.deepEqual(await ids([{ Name: 'attachment.attachment-id', Values: [AttachmentId as string] }]), [id]);
    assert.deepEqual(await ids([{ Name: 'attachment.device-index', Values: ['1'] }]), [id]);
    assert.deepEqual(await ids([{ Name: 'status', Values: ['in-use'] }]), [id]);

    const second = await create();
    await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: second.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 })),
      'InvalidParameterValue', { message: /device index/ });
    await del(second.NetworkInterfaceId);
    await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 2 })), 'InvalidNetworkInterface.InUse');
    await expectEc2Error(del(id), 'InvalidParameterValue', { message: /currently in use/ });

    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attachment: { AttachmentId, DeleteOnTermination: true } }));
    const attr = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute: 'attachment' }));
    assert.equal(attr.Attachment?.DeleteOnTermination, true);
    assert.equal(attr.Attachment?.AttachmentId, AttachmentId);
    assert.deepEqual(await ids([{ Name: 'attachment.delete-on-termination', Values: ['true'] }]), [id]);

    await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: 'eni-attach-0123456789abcdef0' })), 'InvalidAttachmentID.NotFound');
    await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: 'attach-1' })), 'InvalidAttachmentID.Malformed');
    await expectEc2Error(beta.send(new DetachNetworkInterfaceCommand({ AttachmentId })), 'InvalidAttachmentID.NotFound');
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId }));
    assert.deepEqual(plugged, [`+${port?.id}`, `-${port?.id}`], 'unplugged from the server');
    const back = await one(id);
    assert.equal(back.Status, 'available');
    assert.equal(back.Attachment, undefined);
    await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId })), 'InvalidAttachmentID.NotFound');

    // The primary interface (device index 0) cannot be detached.
    const primary = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 0 }));
    await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: primary.AttachmentId })), 'OperationNotPermitted');
    const eni = await s.app.store.resources.find<Record<string, unknown>>(s.alpha.projectId, s.region, id);
    await s.app.store.resources.updateAttrs(s.alpha.projectId, id, { ...eni?.attrs, attachment: undefined });
  } finally {
    instances.delete(instanceId);
    await del(id);
  }
});

test('network interface permissions: create, describe with filters and paging, delete', async () => {
  const ni = await create();
  const id = ni.NetworkInterfaceId as string;
  try {
    const { InterfacePermission: p } = await ec2.send(new CreateNetworkInterfacePermissionCommand({
      NetworkInterfaceId: id, AwsAccountId: '123456789012', Permission: 'INSTANCE-ATTACH',
    }));
    assert.match(p?.NetworkInterfacePermissionId ?? '', /^eni-perm-[0-9a-f]{17}$/);
    assert.equal(p?.NetworkInterfaceId, id);
    assert.equal(p?.AwsAccountId, '123456789012');
    assert.equal(p?.Permission, 'INSTANCE-ATTACH');
    assert.deepEqual(p?.PermissionState, { State: 'granted' });
    const { InterfacePermission: q } = await ec2.send(new CreateNetworkInterfacePermissionCommand({
      NetworkInterfaceId: id, AwsService: 'elasticloadbalancing.amazonaws.com', Permission: 'EIP-ASSOCIATE',
    }));
    await expectEc2Error(ec2.send(new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: id, Permission: 'INSTANCE-ATTACH' })), 'InvalidParameterCombination');
    await expectEc2Error(ec2.send(new CreateNetworkInterfacePermissionCommand({
      NetworkInterfaceId: id, AwsAccountId: '123456789012', Permission: 'BOGUS' as 'INSTANCE-ATTACH',
    })), 'InvalidParameterValue');
    const permIds = async (Filters: Filter[]) =>
      ((await ec2.send(new DescribeNetworkInterfacePermissionsCommand({ Filters }))).NetworkInterfacePermissions ?? []).map((x) => x.NetworkInterfacePermissionId).sort();
    const ofEni = { Name: 'network-interface-permission.network-interface-id', Values: [id] };
    assert.deepEqual(await permIds([ofEni]), [p?.NetworkInterfacePermissionId, q?.NetworkInterfacePermissionId].sort());
    assert.deepEqual(await permIds([ofEni, { Name: 'network-interface-permission.permission', Values: ['EIP-ASSOCIATE'] }]), [q?.NetworkInterfacePermissionId]);
    assert.deepEqual(await permIds([{ Name: 'network-interface-permission.aws-account-id', Values: ['123456789012'] }]), [p?.NetworkInterfacePermissionId]);
    assert.deepEqual(await permIds([ofEni, { Name: 'network-interface-permission.aws-service', Values: ['elasticloadbalancing.*'] }]), [q?.NetworkInterfacePermissionId]);
    const byId = await ec2.send(new DescribeNetworkInterfacePermissionsCommand({ NetworkInterfacePermissionIds: [p?.NetworkInterfacePermissionId as string] }));
    assert.deepEqual(byId.NetworkInterfacePermissions, [p]);
    const page = await ec2.send(new DescribeNetworkInterfacePermissionsCommand({ Filters: [ofEni], MaxResults: 5 }));
    assert.equal(page.NetworkInterfacePermissions?.length, 2);
    assert.equal(page.NextToken, undefined);
    await expectEc2Error(beta.send(new DeleteNetworkInterfacePermissionCommand({ NetworkInterfacePermissionId: p?.NetworkInterfacePermissionId })), 'InvalidPermissionID.NotFound');
    assert.deepEqual((await beta.send(new DescribeNetworkInterfacePermissionsCommand({}))).NetworkInterfacePermissions, []);
    const deleted = await ec2.send(new DeleteNetworkInterfacePermissionCommand({ NetworkInterfacePermissionId: p?.NetworkInterfacePermissionId }));
    assert.equal(deleted.Return, true);
    await expectEc2Error(ec2.send(new DescribeNetworkInterfacePermissionsCommand({ NetworkInterfacePermissionIds: [p?.NetworkInterfacePermissionId as string] })),
      'InvalidPermissionID.NotFound');
    await del(id);
    assert.deepEqual(await permIds([ofEni]), [], "an interface's permissions go with it");
  } finally {
    await del(id).catch(() => undefined);
  }
});

/** Deletes a subnet; on OpenStack Neutron may still list a port of a refused create for a moment after answering (seen on a loaded test cloud). */
async function deleteSubnetSoon(id: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
      return;
    } catch (e) {
      if (!OPENSTACK || attempt === 5 || (e as { name?: string }).name !== 'DependencyViolation') throw e;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

test('30 parallel creates in a /28: distinct addresses and ids, the rest InsufficientFreeAddressesInSubnet', async () => {
  const small = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.9.0/28' }))).Subnet?.SubnetId as string;
  const free = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small] }))).Subnets?.[0].AvailableIpAddressCount as number;
  // 16 addresses, AWS keeps 5; on OpenStack Neutron's DHCP port may hold one more.
  assert.ok(free === 11 || (OPENSTACK && free === 10), `free addresses: ${free}`);
  const results = await Promise.allSettled(Array.from({ length: 30 }, () => create({ SubnetId: small })));
  const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { name?: string }] : []));
    assert.equal(made.length, free, 'as many as the subnet has addresses');
    assert.deepEqual([...new Set(failed.map((e) => e.name))], ['InsufficientFreeAddressesInSubnet']);
    assert.equal(new Set(made.map((n) => n.NetworkInterfaceId)).size, made.length, 'distinct ids');
    assert.equal(new Set(made.map((n) => n.PrivateIpAddress)).size, made.length, 'distinct addresses');
    const listed = await ids([{ Name: 'subnet-id', Values: [small] }]);
    assert.deepEqual(listed, made.map((n) => n.NetworkInterfaceId).sort(), 'nothing half-made');
    assert.equal((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small] }))).Subnets?.[0].AvailableIpAddressCount, 0);
    await expectEc2Error(ec2.send(new DeleteSubnetCommand({ SubnetId: small })), 'DependencyViolation');
  } finally {
    for (const n of made) await del(n.NetworkInterfaceId);
    await deleteSubnetSoon(small);
  }
});

test('a port made on the cloud side appears as an interface on first sight; the router and DHCP ports do not', async () => {
  const name = `outside-${runId}`;
  const port = await cloudCreatePort(subnetId, name);
  try {
    const listed = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }))).NetworkInterfaces ?? [];
    assert.equal(listed.length, 1, 'only the port made outside: no router or DHCP port');
    const n = listed[0];
    assert.match(n.NetworkInterfaceId ?? '', ENI_ID);
    assert.equal(n.PrivateIpAddress, port.ip);
    assert.equal(n.VpcId, vpcId);
    assert.equal(n.Status, 'available');
    assert.deepEqual(n.PrivateIpAddresses?.map((a) => a.Primary), [true]);
    const again = await one(n.NetworkInterfaceId);
    assert.equal(again.NetworkInterfaceId, n.NetworkInterfaceId, 'the id is stable');
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: n.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
    assert.equal((await one(n.NetworkInterfaceId)).PrivateIpAddresses?.length, 2);
    await expectEc2Error(beta.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [n.NetworkInterfaceId as string] })), 'InvalidNetworkInterfaceID.NotFound');
    await cloudDeletePort(port.id);
    await expectEc2Error(one(n.NetworkInterfaceId), 'InvalidNetworkInterfaceID.NotFound');
  } finally {
    await cloudDeletePort(port.id).catch(() => undefined);
  }
});

test('a create whose second upstream call fails leaves no port and no interface behind', async () => {
  const net = s.app.cloud.network as { updatePort: (...a: unknown[]) => Promise<unknown> };
  const original = net.updatePort;
  const portsBefore = await cloudPortsOn(subnetId);
  // A cloud-picked primary with counted secondaries takes two calls: create the port, then add the counted addresses.
  net.updatePort = async () => { throw new ProviderError('Unavailable', 'injected failure'); };
  try {
    await expectEc2Error(create({ SecondaryPrivateIpAddressCount: 2 }), 'Unavailable', { status: 503 });
  } finally {
    net.updatePort = original;
  }
  assert.deepEqual(await ids([{ Name: 'subnet-id', Values: [subnetId] }]), [], 'no interface');
  assert.equal(await cloudPortsOn(subnetId), portsBefore, 'the port was deleted again');
});

test('Association: a floating IP on the interface shows with its Elastic IP ids (the Elastic IP area\'s hook)', async () => {
  const ni = await create({ PrivateIpAddress: '10.40.1.80', PrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.81' }] });
  const id = ni.NetworkInterfaceId as string;
  const vpc = await s.app.store.resources.find(s.alpha.projectId, s.region, vpcId);
  const routerId = vpc?.osId as string;
  const port = await cloudPort(id);
  let fip: { id: string; ip: string } | undefined;
  try {
    // The cloud side of an Elastic IP association: router gateway, floating IP on the port's secondary address.
    if (OPENSTACK) {
      const [ext] = await openstackCli(['network', 'list', '--external']);
      await exec('openstack', ['--os-cloud', 'demo', 'router', 'set', '--external-gateway', ext.ID, routerId], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
      });
      const f = await openstackCli(['floating', 'ip', 'create', '--port', port?.id as string, '--fixed-ip-address', '10.40.1.81', ext.ID]);
      fip = { id: f.id, ip: f.floating_ip_address };
    } else {
      const net = s.app.cloud.network;
      const [ext] = await net.listExternalNetworks(alphaCloudCtx());
      await net.setRouterGateway(alphaCloudCtx(), routerId, ext.id);
      const f = await net.createFloatingIp(alphaCloudCtx(), { floatingNetworkId: ext.id });
      await net.updateFloatingIp(alphaCloudCtx(), f.id, { portId: port?.id as string, fixedIpAddress: '10.40.1.81' });
      fip = { id: f.id, ip: f.floatingIpAddress };
    }
    // The Elastic IP area's store object for it (kind elastic-ip, attrs.associationId).
    const eip = await s.app.store.resources.create(s.alpha.projectId, s.region, 'elastic-ip', fip.id, { associationId: 'eipassoc-0123456789abcdef0' });
    const d = await one(id);
    const publicDns = s.region === 'us-east-1'
      ? `ec2-${fip.ip.replaceAll('.', '-')}.compute-1.amazonaws.com` : `ec2-${fip.ip.replaceAll('.', '-')}.${s.region}.compute.amazonaws.com`;
    const association = { AllocationId: eip.id, AssociationId: 'eipassoc-0123456789abcdef0', IpOwnerId: d.OwnerId, PublicDnsName: publicDns, PublicIp: fip.ip };
    assert.equal(d.Association, undefined, 'the primary address has no public address');
    assert.deepEqual(d.PrivateIpAddresses?.map((a) => a.Association), [undefined, association]);
    assert.deepEqual(await ids([{ Name: 'addresses.association.public-ip', Values: [fip.ip] }]), [id]);
    assert.deepEqual(await ids([{ Name: 'association.public-ip', Values: [fip.ip] }]), []);
    // The address goes, and with it the association (the floating IP stays, unassociated).
    await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.40.1.81'] }));
    const after = await one(id);
    assert.deepEqual(after.PrivateIpAddresses?.map((a) => [a.PrivateIpAddress, a.Association]), [['10.40.1.80', undefined]]);
    assert.deepEqual(await ids([{ Name: 'addresses.association.public-ip', Values: [fip.ip] }]), []);
    await s.app.store.resources.delete(s.alpha.projectId, [eip.id]);
  } finally {
    if (OPENSTACK) {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') };
      if (fip) await exec('openstack', ['--os-cloud', 'demo', 'floating', 'ip', 'delete', fip.id], { env }).catch(() => undefined);
      await exec('openstack', ['--os-cloud', 'demo', 'router', 'unset', '--external-gateway', routerId], { env }).catch(() => undefined);
    } else {
      if (fip) await s.app.cloud.network.deleteFloatingIp(alphaCloudCtx(), fip.id).catch(() => undefined);
      await s.app.cloud.network.setRouterGateway(alphaCloudCtx(), routerId, null).catch(() => undefined);
    }
    await del(id);
  }
});

test('DescribeNetworkInterfaces makes the same small number of upstream calls for 1 and for 4 interfaces', {
  skip: !OPENSTACK && 'the embedded cloud makes no upstream HTTP calls: counted on the OpenStack backend',
}, async () => {
  const sum = async () => {
    const text = await (await fetch(`${s.endpoint}/metrics`)).text();
    const m = /^ec2api_upstream_calls_per_request_sum\{action="DescribeNetworkInterfaces"\} (\d+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  };
  const calls = async () => {
    const before = await sum();
    await ec2.send(new DescribeNetworkInterfacesCommand({}));
    return (await sum()) - before;
  };
  const made = [await create()];
  try {
    const one = await calls();
    for (let i = 0; i < 3; i++) made.push(await create());
    const four = await calls();
    assert.equal(four, one, `${one} upstream calls for one interface, ${four} for four`);
    assert.ok(four <= 3, `DescribeNetworkInterfaces makes ${four} upstream calls`);
  } finally {
    for (const n of made) await del(n.NetworkInterfaceId);
  }
});

test('another project sees and changes none of the interfaces (a check per action)', async () => {
  const ni = await create({ Description: 'mine' });
  const id = ni.NetworkInterfaceId as string;
  const notFound = (p: Promise<unknown>) => expectEc2Error(p, 'InvalidNetworkInterfaceID.NotFound');
  try {
    assert.deepEqual((await beta.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces?.filter((n) => n.NetworkInterfaceId === id), []);
    await notFound(beta.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })));
    await notFound(beta.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })));
    await notFound(beta.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute: 'description' })));
    await notFound(beta.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Description: { Value: 'theirs' } })));
    await notFound(beta.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: 'true' })));
    await notFound(beta.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 })));
    await notFound(beta.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: [ni.PrivateIpAddress as string] })));
    await notFound(beta.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: id, Ipv6AddressCount: 1 })));
    await notFound(beta.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: id, Ipv6Addresses: ['fd00::1'] })));
    await notFound(beta.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: 'i-0123456789abcdef0', DeviceIndex: 1 })));
    await notFound(beta.send(new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: id, AwsAccountId: '123456789012', Permission: 'INSTANCE-ATTACH' })));
    await expectEc2Error(beta.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId })), 'InvalidSubnetID.NotFound');
    const cli = await s.cli(['delete-network-interface', '--network-interface-id', id], s.beta);
    assert.equal(cli.ok, false);
    assert.match(cli.stderr, /InvalidNetworkInterfaceID\.NotFound/);
    const still = await one(id);
    assert.equal(still.Description, 'mine');
    assert.equal(still.PrivateIpAddresses?.length, 1);
    assert.equal(still.Status, 'available');
  } finally {
    await del(id);
  }
});
