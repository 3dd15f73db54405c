/**
 * Nothing is half-made on OpenStack: when a later upstream step of a create fails, the steps already made are
 * undone (createWithUndo). A stub Neutron fails the second call on demand, which a real cloud cannot be made to do.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { CreateSubnetCommand, CreateVpcCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { startStubbedServer, type StubCloud, type StubHandler } from '../helpers/stub-openstack.js';

let stub: StubCloud;
let ec2: EC2Client;

let close: () => Promise<void>;

before(async () => {
  ({ stub, ec2, close } = await startStubbedServer('stub-undo', ['[vpc]', 'default_vpc = false']));
});
after(() => close());
beforeEach(() => {
  stub.calls.length = 0;
});

const neutronRouter = (id: string, name: string) => ({ id, name, project_id: stub.projectId, external_gateway_info: null, routes: [], status: 'ACTIVE' });
const neutronGroup = (id: string, name: string) => ({
  id, name, description: '', project_id: stub.projectId,
  security_group_rules: [
    { id: `${id}-e4`, security_group_id: id, direction: 'egress', ethertype: 'IPv4', protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_group_id: null, description: '' },
  ],
});
const fail: ReturnType<StubHandler> = { status: 500, body: { NeutronError: { type: 'HTTPInternalServerError', message: 'injected failure', detail: '' } } };

test('CreateVpc: the security group step fails → the router made first is deleted, no VPC is recorded', async () => {
  stub.handler = (m, p, body) => {
    if (m === 'POST' && p.endsWith('/routers')) return { status: 201, body: { router: neutronRouter('r-1', (body as { router: { name: string } }).router.name) } };
    if (m === 'POST' && p.endsWith('/security-groups')) return fail;
    if (m === 'DELETE' && p.endsWith('/routers/r-1')) return { status: 204 };
    return { status: 404, body: { NeutronError: { message: 'not stubbed' } } };
  };
  await assert.rejects(ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' })));
  assert.ok(stub.calls.some((c) => /DELETE .*\/routers\/r-1$/.test(c)), stub.calls.join('\n'));
  assert.deepEqual((await ec2.send(new DescribeVpcsCommand({}))).Vpcs, []);
});

test('CreateSubnet: the subnet step fails → the network made first is deleted, no subnet is recorded', async () => {
  stub.handler = (m, p, body) => {
    if (m === 'POST' && p.endsWith('/routers')) return { status: 201, body: { router: neutronRouter('r-2', (body as { router: { name: string } }).router.name) } };
    if (m === 'POST' && p.endsWith('/security-groups')) return { status: 201, body: { security_group: neutronGroup('g-2', 'x') } };
    if (m === 'POST' && p.endsWith('/security-group-rules')) {
      return { status: 201, body: { security_group_rule: { ...(body as { security_group_rule: object }).security_group_rule, id: 'rule-1', description: '' } } };
    }
    if (m === 'POST' && p.endsWith('/networks')) return { status: 201, body: { network: { id: 'n-2', name: 'x', project_id: stub.projectId, 'router:external': false, subnets: [], status: 'ACTIVE' } } };
    if (m === 'POST' && p.endsWith('/subnets')) return fail;
    if (m === 'DELETE' && p.endsWith('/networks/n-2')) return { status: 204 };
    if (m === 'GET' && p.includes('/os-availability-zone')) return { status: 200, body: { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] } };
    return { status: 404, body: { NeutronError: { message: 'not stubbed' } } };
  };
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc?.VpcId;
  stub.calls.length = 0;
  await assert.rejects(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.2.1.0/24' })));
  assert.ok(stub.calls.some((c) => /DELETE .*\/networks\/n-2$/.test(c)), stub.calls.join('\n'));
  assert.deepEqual((await ec2.send(new DescribeSubnetsCommand({}))).Subnets, []);
});
