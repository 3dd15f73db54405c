/**
 * Per-run names and cleanup for suites that also run on a persistent cloud (OpenStack keeps
 * the demo/alt projects' Nova key pairs between runs): every key name a suite makes contains
 * its run id, and after() deletes what still matches it.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteKeyPairCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeKeyPairsCommand, DescribeSubnetsCommand, DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

/** A short random id for this run, to put in every name the suite creates. */
export const newRunId = () => randomBytes(3).toString('hex');

/** Deletes, through each client, every key pair whose name contains `run`. */
export async function deleteRunKeyPairs(clients: EC2Client[], run: string): Promise<void> {
  for (const client of clients) {
    const { KeyPairs } = await client.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [`*${run}*`] }] }));
    for (const k of KeyPairs ?? []) {
      await client.send(new DeleteKeyPairCommand({ KeyPairId: k.KeyPairId })).catch(() => undefined);
    }
  }
}

/**
 * Deletes, through each client, the default VPC the server made on first use ([vpc] default_vpc) with its default
 * subnets, so that runs on the persistent test cloud leave no routers and networks behind. Best effort.
 */
export async function deleteDefaultVpcs(clients: EC2Client[]): Promise<void> {
  for (const client of clients) {
    try {
      const { Vpcs } = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
      for (const v of Vpcs ?? []) {
        const { Subnets } = await client.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [v.VpcId as string] }] }));
        for (const sn of Subnets ?? []) await client.send(new DeleteSubnetCommand({ SubnetId: sn.SubnetId })).catch(() => undefined);
        await client.send(new DeleteVpcCommand({ VpcId: v.VpcId })).catch(() => undefined);
      }
    } catch {
      // Nothing to clean, or the server is going away.
    }
  }
}
