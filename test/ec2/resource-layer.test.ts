/**
 * The shared resource layer seen from the clients: objects made outside EC2 are mapped in one batch with no
 * extra upstream call, a create that fails after its upstream step leaves nothing behind, and errors list
 * every missing id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateKeyPairCommand, DescribeKeyPairsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import type { CloudContext } from '../../src/cloud/provider.js';
import { generateKeyPair } from '../../src/kit/key-material.js';
import { ResourcesRepo } from '../../src/store/resources.js';
import { deleteRunKeyPairs, newRunId } from '../helpers/cleanup.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';

let s: TestServer;
const runId = newRunId();
before(async () => { s = await startTestServer(); });
after(async () => {
  try {
    await deleteRunKeyPairs([s.client(s.alpha)], runId);
  } finally {
    await s.close();
  }
});

/** Counts calls of an object's methods while `fn` runs, then restores them. */
async function counting<T extends object>(target: T, methods: (keyof T & string)[], fn: () => Promise<void>): Promise<Record<string, number[]>> {
  const calls: Record<string, number[]> = Object.fromEntries(methods.map((m) => [m, []]));
  const saved = methods.map((m) => [m, target[m]] as const);
  for (const m of methods) {
    const orig = target[m] as (...a: unknown[]) => unknown;
    (target as Record<string, unknown>)[m] = (...a: unknown[]) => {
      calls[m].push(Array.isArray(a[3]) ? a[3].length : 1);
      return orig.apply(target, a);
    };
  }
  try {
    await fn();
  } finally {
    for (const [m, f] of saved) (target as Record<string, unknown>)[m] = f;
  }
  return calls;
}

describe('resource layer', () => {
  test('a Describe that sees 25 key pairs made outside EC2 maps them in one store write and one upstream listing',
    { skip: TEST_BACKEND === 'openstack' && 'makes key pairs through the local provider' }, async () => {
      const ctx: CloudContext = { requestId: 't', projectId: s.alpha.projectId, userId: 'x', region: s.region };
      const names = Array.from({ length: 25 }, (_, i) => `batch-${runId}-${i}`);
      for (const name of names) await s.app.cloud.compute.importKeyPair(ctx, name, generateKeyPair('ed25519', 'pem', name).publicKeyOpenSsh);
      let listed = 0;
      const calls = await counting(s.app.store.resources, ['mapNew', 'create'], async () => {
        const upstream = await counting(s.app.cloud.compute, ['listKeyPairs', 'getKeyPair'], async () => {
          const out = await s.client().send(new DescribeKeyPairsCommand({}));
          listed = out.KeyPairs?.filter((k) => names.includes(k.KeyName ?? '')).length ?? 0;
        });
        assert.deepEqual({ list: upstream.listKeyPairs.length, get: upstream.getKeyPair.length }, { list: 1, get: 0 });
      });
      assert.equal(listed, 25);
      assert.deepEqual(calls, { mapNew: [25], create: [] }, 'one batched write for the 25 new key pairs');
      const again = await counting(s.app.store.resources, ['mapNew'], async () => {
        await s.client().send(new DescribeKeyPairsCommand({}));
      });
      assert.deepEqual(again.mapNew, [], 'known key pairs need no write');
    });

  test('a key pair deleted outside EC2 is forgotten with its tags by the next Describe that names it', async () => {
    const name = `gone-${runId}`;
    const made = await s.client().send(new CreateKeyPairCommand({ KeyName: name, KeyType: 'ed25519',
      TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'k', Value: 'v' }] }] }));
    const ctx: CloudContext = { requestId: 't', projectId: s.alpha.projectId, userId: 'x', region: s.region };
    if (TEST_BACKEND === 'openstack') return; // the OpenStack suite deletes one with the openstack CLI
    await s.app.cloud.compute.deleteKeyPair(ctx, name);
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] })), 'InvalidKeyPair.NotFound');
    const tags = await s.client().send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [made.KeyPairId ?? ''] }] }));
    assert.deepEqual(tags.Tags, []);
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyPairIds: [made.KeyPairId ?? ''] })), 'InvalidKeyPair.NotFound');
  });

  test('CreateKeyPair whose store write fails undoes the import: no key pair is left in the cloud', async () => {
    const name = `undo-${runId}`;
    const create = ResourcesRepo.prototype.create;
    ResourcesRepo.prototype.create = async () => { throw new Error('store write failed (test)'); };
    try {
      await expectEc2Error(s.client().send(new CreateKeyPairCommand({ KeyName: name, KeyType: 'ed25519' })), 'InternalError');
    } finally {
      ResourcesRepo.prototype.create = create;
    }
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] })), 'InvalidKeyPair.NotFound');
    const made = await s.client().send(new CreateKeyPairCommand({ KeyName: name, KeyType: 'ed25519' }));
    assert.match(made.KeyPairId ?? '', /^key-[0-9a-f]{17}$/, 'the name is free again');
  });

  test('NotFound lists every missing id, and a malformed one is refused first, naming its parameter', async () => {
    const made = await s.client().send(new CreateKeyPairCommand({ KeyName: `nf-${runId}`, KeyType: 'ed25519' }));
    const missing = ['key-0000000000000aaaa', 'key-0000000000000bbbb'];
    const err = await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyPairIds: [made.KeyPairId ?? '', ...missing] })), 'InvalidKeyPair.NotFound');
    assert.match(err.message ?? '', /key-0000000000000aaaa, key-0000000000000bbbb/);
    const bad = await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyPairIds: [missing[0], 'key-nothex'] })), 'InvalidID');
    assert.match(bad.message ?? '', /KeyPairId\.2/);
  });
});
