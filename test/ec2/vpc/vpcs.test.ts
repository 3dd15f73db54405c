/** VPCs through @aws-sdk/client-ec2: create with its main route table, default group and ACL; describe; delete. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateVpcCommand, DeleteVpcCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
before(async () => {
  s = await startTestServer();
  ec2 = s.client();
});
after(() => s.close());

test('CreateVpc, DescribeVpcs, DeleteVpc', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({
    CidrBlock: '10.20.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'one' }] }],
  }));
  assert.match(Vpc?.VpcId ?? '', /^vpc-[0-9a-f]{17}$/);
  assert.equal(Vpc?.CidrBlock, '10.20.0.0/16');
  assert.equal(Vpc?.DhcpOptionsId, 'default');
  assert.equal(Vpc?.IsDefault, false);
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc?.VpcId as string] }));
  assert.equal(Vpcs?.length, 1);
  assert.deepEqual(Vpcs?.[0].Tags, [{ Key: 'Name', Value: 'one' }]);
  assert.equal(Vpcs?.[0].State, 'available');
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range');
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: 'vpc-nope' })), 'InvalidVpcID.Malformed');
  await ec2.send(new DeleteVpcCommand({ VpcId: Vpc?.VpcId }));
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc?.VpcId as string] })), 'InvalidVpcID.NotFound');
});
