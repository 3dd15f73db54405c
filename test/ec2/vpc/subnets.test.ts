/** Subnets through @aws-sdk/client-ec2: inside the VPC's block, no overlap, zones, the free address count, delete rules. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSubnetCommand, CreateVpcCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeSubnetsCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../../helpers/expect.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let vpcId: string;
before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId as string;
});
after(async () => {
  try {
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    for (const sn of Subnets ?? []) await ec2.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  } finally {
    await s.close();
  }
});

test('CreateSubnet: the block, the zone, AWS reserves five addresses; DescribeSubnets by id and filter', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: '10.30.1.0/24', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'k', Value: 'v' }] }],
  }));
  assert.match(Subnet?.SubnetId ?? '', /^subnet-[0-9a-f]{17}$/);
  assert.equal(Subnet?.AvailableIpAddressCount, 251);
  assert.equal(Subnet?.VpcId, vpcId);
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(Subnets?.map((x) => x.SubnetId), [Subnet?.SubnetId]);
  assert.equal(Subnets?.[0].AvailableIpAddressCount, 251);
  assert.equal(Subnets?.[0].CidrBlock, '10.30.1.0/24');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.128/25' })), 'InvalidSubnet.Conflict');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.31.1.0/24' })), 'InvalidSubnet.Range');
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.2.0/24', AvailabilityZone: 'nowhere-1z' })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
  await expectEc2Error(s.client(s.beta).send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId })), 'InvalidSubnetID.NotFound');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [Subnet?.SubnetId as string] })), 'InvalidSubnetID.NotFound');
});
