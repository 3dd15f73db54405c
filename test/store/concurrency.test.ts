/**
 * Concurrent requests against the store of the dialect under test: uniqueness of
 * key names, distinct ids, the tag limit under racing writers, and EC2 ids
 * assigned "on first sight" exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { CreateKeyPairCommand, CreateTagsCommand, DescribeKeyPairsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import type { CloudContext } from '../../src/cloud/provider.js';
import { generateKeyPair } from '../../src/kit/key-material.js';
import { TEST_DIALECT } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => { s = await startTestServer(); });
after(async () => { await s.close(); });

const errorName = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { name?: string }).name : undefined);
const describeErrors = (rs: PromiseSettledResult<unknown>[]) =>
  rs.filter((r) => r.status === 'rejected').map((r) => `${errorName(r)}: ${(r as PromiseRejectedResult).reason?.message}`);

describe(`concurrency on ${TEST_DIALECT}`, () => {
  test('20 parallel CreateKeyPair of one name: exactly one succeeds, the rest InvalidKeyPair.Duplicate', async () => {
    const client = s.client();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.send(new CreateKeyPairCommand({ KeyName: 'racer' }))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, describeErrors(results).join('\n'));
    const others = results.filter((r) => r.status === 'rejected');
    assert.deepEqual([...new Set(others.map(errorName))], ['InvalidKeyPair.Duplicate'], describeErrors(results).join('\n'));
    const winner = (ok[0] as PromiseFulfilledResult<{ KeyPairId?: string; KeyFingerprint?: string }>).value;
    const listed = await client.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['racer'] }] }));
    assert.deepEqual(listed.KeyPairs?.map((k) => [k.KeyName, k.KeyPairId, k.KeyFingerprint]), [['racer', winner.KeyPairId, winner.KeyFingerprint]]);
    const mappings = (await s.app.store.resources.list(s.alpha.projectId, 'us-east-1', 'key-pair')).filter((r) => r.osId === 'racer');
    assert.deepEqual(mappings.map((m) => m.id), [winner.KeyPairId]);
  });

  test('30 parallel CreateKeyPair of distinct names: 30 distinct KeyPairIds', async () => {
    const client = s.client();
    const names = Array.from({ length: 30 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    const results = await Promise.all(names.map((KeyName) => client.send(new CreateKeyPairCommand({ KeyName, KeyType: 'ed25519' }))));
    const ids = results.map((r) => r.KeyPairId);
    assert.equal(new Set(ids).size, 30);
    for (const id of ids) assert.match(id ?? '', /^key-[0-9a-f]{17}$/);
    const listed = await client.send(new DescribeKeyPairsCommand({ KeyNames: names }));
    assert.deepEqual(listed.KeyPairs?.map((k) => [k.KeyName, k.KeyPairId]), names.map((n, i) => [n, ids[i]]));
  });

  test('two parallel CreateTags of 30 distinct keys on one resource: the 50-tag limit holds', async () => {
    const client = s.client();
    for (let round = 0; round < 5; round++) {
      const { KeyPairId } = await client.send(new CreateKeyPairCommand({ KeyName: `tagged-${round}`, KeyType: 'ed25519' }));
      const batch = (prefix: string) => Array.from({ length: 30 }, (_, i) => ({ Key: `${prefix}${i}`, Value: prefix }));
      const results = await Promise.allSettled([
        client.send(new CreateTagsCommand({ Resources: [KeyPairId!], Tags: batch('a') })),
        client.send(new CreateTagsCommand({ Resources: [KeyPairId!], Tags: batch('b') })),
      ]);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.ok(failed.length >= 1, `round ${round}: at least one call fails`);
      for (const f of failed) assert.equal(errorName(f), 'TagLimitExceeded', describeErrors(results).join('\n'));
      const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [KeyPairId!] }] }));
      const stored = tags.Tags ?? [];
      assert.ok(stored.length <= 50, `round ${round}: ${stored.length} tags`);
      // The calls are atomic: each one is applied whole or not at all.
      const okPrefixes = results.flatMap((r, i) => (r.status === 'fulfilled' ? [['a', 'b'][i]] : []));
      assert.equal(stored.length, 30 * okPrefixes.length);
      assert.deepEqual([...new Set(stored.map((t) => t.Value))].sort(), okPrefixes);
    }
  });

  test('parallel DescribeKeyPairs map key pairs made outside EC2 once: one id per key', async () => {
    const ctx: CloudContext = { requestId: 't', projectId: s.alpha.projectId, userId: 'x', region: 'us-east-1' };
    for (let round = 0; round < 3; round++) {
      const names = Array.from({ length: 5 }, (_, i) => `outside-${round}-${i}`);
      for (const name of names) {
        await s.app.cloud.compute.importKeyPair(ctx, name, generateKeyPair('ed25519', 'pem', name).publicKeyOpenSsh);
      }
      const clients = [s.client(), s.client()];
      const views = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        clients[i % 2].send(new DescribeKeyPairsCommand(i % 3 === 0 ? { KeyNames: names } : {}))));
      const idsByName = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
      for (const v of views) {
        for (const k of v.KeyPairs ?? []) idsByName.get(k.KeyName!)?.add(k.KeyPairId!);
      }
      for (const [name, ids] of idsByName) assert.equal(ids.size, 1, `${name} got ids ${[...ids].join(', ')}`);
      const mappings = (await s.app.store.resources.list(s.alpha.projectId, 'us-east-1', 'key-pair')).filter((r) => names.includes(r.osId));
      assert.equal(mappings.length, names.length);
      assert.deepEqual(new Set(mappings.map((m) => m.id)), new Set([...idsByName.values()].map((ids) => [...ids][0])));
      // And the ids are stable afterwards.
      const again = await s.client().send(new DescribeKeyPairsCommand({ KeyNames: names }));
      for (const k of again.KeyPairs ?? []) assert.ok(idsByName.get(k.KeyName!)?.has(k.KeyPairId!));
    }
  });

  test('the database ending idle connections (restart, failover) does not take the service down', { skip: TEST_DIALECT === 'sqlite' && 'SQLite has no server connections' }, async () => {
    const client = s.client();
    await Promise.all(Array.from({ length: 5 }, () => client.send(new DescribeKeyPairsCommand({})))); // fill the pool
    const dbName = new URL(s.app.config.database.connection).pathname.slice(1);
    let ended = 0;
    if (TEST_DIALECT === 'postgres') {
      const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      await admin.connect();
      const r = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      ended = r.rowCount ?? 0;
      await admin.end();
    } else {
      const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      const [rows] = await admin.query('SELECT id FROM information_schema.processlist WHERE db = ?', [dbName]);
      for (const { id } of rows as { id: number }[]) await admin.query(`KILL ${Number(id)}`);
      ended = (rows as unknown[]).length;
      await admin.end();
    }
    assert.ok(ended >= 1, 'the server had connections to end');
    await new Promise((r) => setTimeout(r, 300));
    const out = await client.send(new DescribeKeyPairsCommand({ KeyNames: ['racer'] }));
    assert.equal(out.KeyPairs?.length, 1);
    const made = await client.send(new CreateKeyPairCommand({ KeyName: 'after-reconnect', KeyType: 'ed25519' }));
    assert.match(made.KeyPairId ?? '', /^key-/);
  });
});
