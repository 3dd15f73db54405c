/**
 * The local credential source's cache: lookups served from memory, dropped when the
 * store's credentials change counter moves (as ec2-api-manage bumps it), unknown keys
 * cached apart and briefly, and a lookup racing an invalidation never caches stale data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { Ec2Error } from '../errors/ec2-error.js';
import { bumpCounter, CREDENTIALS_COUNTER } from '../store/counters.js';
import { migrate, openDb } from '../store/db.js';
import { type Credential, Store } from '../store/store.js';
import { LocalCredentialSource } from './local-credentials.js';
import { parseSignature } from './signature.js';
import type { IncomingRequest } from './types.js';

const BODY = 'Action=DescribeRegions&Version=2016-11-15';

async function signed(accessKeyId: string, secretAccessKey: string): Promise<IncomingRequest> {
  const signer = new SignatureV4({ service: 'ec2', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId, secretAccessKey } });
  const req = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: 'localhost', port: 8788, path: '/', query: {}, body: BODY,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'localhost:8788' },
  });
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { method: 'POST', path: '/', rawQuery: '', headers, body: Buffer.from(BODY), params: Object.fromEntries(new URLSearchParams(BODY)) };
}

/** Resolves with the principal's access key, or the EC2 error code. */
async function auth(source: LocalCredentialSource, c: { accessKey: string; secret: string }): Promise<string> {
  const req = await signed(c.accessKey, c.secret);
  try {
    return (await source.authenticate(req, parseSignature(req))).accessKeyId;
  } catch (e) {
    if (e instanceof Ec2Error) return e.code;
    throw e;
  }
}

/** Retries `check` until it returns true (the poll interval is 20 ms here); fails after 5 s. */
async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} within 5 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('LocalCredentialSource cache', () => {
  let store: Store;
  let projectId: string;
  const sources: LocalCredentialSource[] = [];
  /** A source over `store` that counts its database lookups. */
  const counted = (limits = {}) => {
    const calls: string[] = [];
    const source = new LocalCredentialSource({
      db: store.db,
      credentials: { find: (k: string) => { calls.push(k); return store.credentials.find(k); } } as Store['credentials'],
    }, { limits: { pollMs: 20, ...limits } });
    sources.push(source);
    return { source, calls };
  };
  /** What ec2-api-manage does: the change and the counter bump in one transaction. */
  const deleteAsManage = (accessKey: string) => store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('credentials').where('access_key', '=', accessKey).execute();
    await bumpCounter(trx, CREDENTIALS_COUNTER);
  });

  before(async () => {
    store = new Store(openDb(`sqlite:///${join(mkdtempSync(join(tmpdir(), 'ec2api-cred-cache-')), 'ec2api.db')}`));
    await migrate(store.db, store.dialect);
    projectId = (await store.projects.getOrCreate('p')).id;
  });
  after(async () => {
    for (const s of sources) await s.close();
    await store.close();
  });

  test('a known key is read from the store once, then from memory', async () => {
    const cred = await store.credentials.create(projectId);
    const { source, calls } = counted();
    for (let i = 0; i < 5; i++) assert.equal(await auth(source, cred), cred.accessKey);
    assert.deepEqual(calls, [cred.accessKey]);
    assert.equal(await auth(source, { ...cred, secret: 'wrong' }), 'SignatureDoesNotMatch');
    assert.equal(calls.length, 1);
  });

  test('a delete without a counter bump is not seen (the cache serves); with the bump it is, on every source', async () => {
    const cred = await store.credentials.create(projectId);
    const a = counted();
    const b = counted();
    for (const { source } of [a, b]) assert.equal(await auth(source, cred), cred.accessKey);
    // Behind the cache's back: the row goes, the counter does not move.
    await store.db.deleteFrom('credentials').where('access_key', '=', cred.accessKey).execute();
    for (const { source } of [a, b]) assert.equal(await auth(source, cred), cred.accessKey, 'served from memory');
    await store.db.insertInto('credentials').values({
      access_key: cred.accessKey, secret: cred.secret, project_id: projectId, user_id: 'admin', created_at: new Date().toISOString(),
    }).execute();
    await deleteAsManage(cred.accessKey);
    for (const { source } of [a, b]) await eventually('the deletion seen', async () => (await auth(source, cred)) === 'AuthFailure');
  });

  test('the TTL is the backstop for changes that bump no counter', async () => {
    const cred = await store.credentials.create(projectId);
    const { source, calls } = counted({ ttlMs: 100 });
    assert.equal(await auth(source, cred), cred.accessKey);
    await store.db.deleteFrom('credentials').where('access_key', '=', cred.accessKey).execute();
    await eventually('the entry expired', async () => (await auth(source, cred)) === 'AuthFailure');
    assert.ok(calls.length >= 2);
  });

  test('unknown keys are cached briefly and apart: a flood of them does not evict a known key', async () => {
    const cred = await store.credentials.create(projectId);
    const { source, calls } = counted({ unknownMax: 50 });
    assert.equal(await auth(source, cred), cred.accessKey);
    const unknown = { accessKey: 'AKIAUNKNOWNUNKNOWN00', secret: 'x' };
    assert.equal(await auth(source, unknown), 'AuthFailure');
    assert.equal(await auth(source, unknown), 'AuthFailure');
    assert.equal(calls.filter((k) => k === unknown.accessKey).length, 1, 'the miss is cached');
    for (let i = 0; i < 200; i++) assert.equal(await auth(source, { accessKey: `AKIAFLOOD${String(i).padStart(11, '0')}`, secret: 'x' }), 'AuthFailure');
    assert.equal(await auth(source, cred), cred.accessKey);
    assert.equal(calls.filter((k) => k === cred.accessKey).length, 1, 'the known key is still cached');

    // A credential created for a key that was unknown works once the counter moves.
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('credentials').values({
        access_key: unknown.accessKey, secret: unknown.secret, project_id: projectId, user_id: 'admin', created_at: new Date().toISOString(),
      }).execute();
      await bumpCounter(trx, CREDENTIALS_COUNTER);
    });
    await eventually('the new credential accepted', async () => (await auth(source, unknown)) === unknown.accessKey);
  });

  test('a lookup in flight when the cache is dropped does not cache what it read', async () => {
    const cred: Credential = await store.credentials.create(projectId);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const calls: string[] = [];
    const source = new LocalCredentialSource({
      db: store.db,
      credentials: { find: async (k: string) => { calls.push(k); const c = await store.credentials.find(k); await gate; return c; } } as Store['credentials'],
    }, { watch: false });
    sources.push(source);
    const pending = auth(source, cred);
    await eventually('the lookup started', async () => calls.length === 1);
    source.invalidate();
    release();
    assert.equal(await pending, cred.accessKey, 'the request itself is answered');
    assert.equal(await auth(source, cred), cred.accessKey);
    assert.equal(calls.length, 2, 'the second request read the store again');
  });
});
