/**
 * The VPC scenario of `npm run bench -- --vpcs N`: N VPCs, each with a subnet, a security group and a network
 * interface, made by 16 clients at once (create figures), then the Describes of those kinds with and without
 * filters (the load cells). On OpenStack everything is deleted again at the end.
 */
import {
  CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand,
  DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Call } from './load.js';

/** Filled by `populate`: the filters name objects that exist. */
const picked = { vpcId: '', subnetId: '', cidr: '', groupName: '' };

export const VPC_ACTIONS: Record<string, Call> = {
  DescribeVpcs: (c) => c.send(new DescribeVpcsCommand({})),
  'DescribeVpcs/filter': (c) => c.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: [picked.cidr] }] })),
  DescribeSubnets: (c) => c.send(new DescribeSubnetsCommand({})),
  'DescribeSubnets/filter': (c) => c.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [picked.vpcId] }] })),
  DescribeSecurityGroups: (c) => c.send(new DescribeSecurityGroupsCommand({})),
  'DescribeSecurityGroups/filter': (c) => c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [picked.groupName] }] })),
  DescribeNetworkInterfaces: (c) => c.send(new DescribeNetworkInterfacesCommand({})),
  'DescribeNetworkInterfaces/filter': (c) => c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [picked.subnetId] }] })),
};

export interface Made { vpcId: string; subnetId: string; groupId: string; eniId: string }
export interface CreateFigures { vpcs: number; seconds: number; msPerCall: Record<string, number> }

/** Makes `n` VPC sets with `concurrency` clients at once; returns what was made and the mean latency per create. */
export async function populate(sdk: EC2Client, n: number, prefix: string, concurrency = 16): Promise<{ made: Made[]; figures: CreateFigures }> {
  const spent: Record<string, number[]> = {};
  const timed = async <T>(name: string, p: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await p();
    spent[name] = [...(spent[name] ?? []), performance.now() - t0];
    return r;
  };
  const made: Made[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    for (let i = next++; i < n; i = next++) {
      const cidr = `10.${i % 256}.0.0/16`;
      const vpcId = (await timed('CreateVpc', () => sdk.send(new CreateVpcCommand({ CidrBlock: cidr })))).Vpc?.VpcId as string;
      const subnetId = (await timed('CreateSubnet', () => sdk.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${i % 256}.1.0/24` })))).Subnet?.SubnetId as string;
      const groupId = (await timed('CreateSecurityGroup', () => sdk.send(new CreateSecurityGroupCommand({
        VpcId: vpcId, GroupName: `${prefix}-${i}`, Description: 'bench',
      })))).GroupId as string;
      const eniId = (await timed('CreateNetworkInterface', () => sdk.send(new CreateNetworkInterfaceCommand({
        SubnetId: subnetId, Groups: [groupId],
      })))).NetworkInterface?.NetworkInterfaceId as string;
      made.push({ vpcId, subnetId, groupId, eniId });
      if (i === 0) Object.assign(picked, { vpcId, subnetId, cidr, groupName: `${prefix}-${i}` });
    }
  }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    made,
    figures: { vpcs: n, seconds: (performance.now() - t0) / 1000, msPerCall: Object.fromEntries(Object.entries(spent).map(([k, xs]) => [k, mean(xs)])) },
  };
}

export async function depopulate(sdk: EC2Client, made: Made[]): Promise<void> {
  for (const m of made) {
    await sdk.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: m.eniId })).catch(() => undefined);
    await sdk.send(new DeleteSecurityGroupCommand({ GroupId: m.groupId })).catch(() => undefined);
    await sdk.send(new DeleteSubnetCommand({ SubnetId: m.subnetId })).catch(() => undefined);
    await sdk.send(new DeleteVpcCommand({ VpcId: m.vpcId })).catch(() => undefined);
  }
}
