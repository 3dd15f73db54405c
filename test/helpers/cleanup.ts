/**
 * Per-run names and cleanup for suites that also run on a persistent cloud (OpenStack keeps
 * the demo/alt projects' Nova key pairs between runs): every key name a suite makes contains
 * its run id, and after() deletes what still matches it.
 */
import { randomBytes } from 'node:crypto';
import { DeleteKeyPairCommand, DescribeKeyPairsCommand, type EC2Client } from '@aws-sdk/client-ec2';

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
