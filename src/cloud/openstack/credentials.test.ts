/**
 * The Keystone credential source's caches, against a fake Keystone: secrets for
 * [openstack] credential_cache_ttl seconds (0: never), unknown keys apart, the
 * owner's token until shortly before it expires.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseSignature } from '../../auth/signature.js';
import type { IncomingRequest } from '../../auth/types.js';
import { Ec2Error } from '../../errors/ec2-error.js';
import { KeystoneCredentialSource } from './credentials.js';
import type { Keystone, KeystoneToken } from './keystone.js';

const BODY = 'Action=DescribeRegions&Version=2016-11-15';
const ACCESS = 'a'.repeat(32);
const SECRET = 's'.repeat(32);

async function signed(accessKeyId: string, secretAccessKey: string): Promise<IncomingRequest> {
  const signer = new SignatureV4({ service: 'ec2', region: 'RegionOne', sha256: Sha256, credentials: { accessKeyId, secretAccessKey } });
  const req = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: 'localhost', port: 8788, path: '/', query: {}, body: BODY,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'localhost:8788' },
  });
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { method: 'POST', path: '/', rawQuery: '', headers, body: Buffer.from(BODY), params: Object.fromEntries(new URLSearchParams(BODY)) };
}

/** A Keystone that knows one EC2 credential and counts its calls. */
function fakeKeystone(tokenLifetimeMs = 3600_000) {
  const calls = { secret: [] as string[], ec2tokens: 0 };
  const state = { revoked: false, tokenLifetimeMs };
  const keystone = {
    async ec2Credential(access: string) {
      calls.secret.push(access);
      return access === ACCESS && !state.revoked ? { secret: SECRET, userId: 'u', projectId: 'p' } : 'missing' as const;
    },
    async ec2Token(): Promise<KeystoneToken> {
      calls.ec2tokens++;
      return { token: `t${calls.ec2tokens}`, expiresAt: Date.now() + state.tokenLifetimeMs, catalog: [], userId: 'u', projectId: 'p', projectName: 'p', roles: [] };
    },
  };
  return { keystone: keystone as unknown as Keystone, calls, state };
}

/** The token the request was given, or the EC2 error code. */
async function auth(source: KeystoneCredentialSource, access = ACCESS, secret = SECRET): Promise<string> {
  const req = await signed(access, secret);
  try {
    return ((await source.authenticate(req, parseSignature(req))).cloudAuth as KeystoneToken).token;
  } catch (e) {
    if (e instanceof Ec2Error) return e.code;
    throw e;
  }
}

async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KeystoneCredentialSource cache', () => {
  test('the secret is read once per credential_cache_ttl and the token reused: no Keystone call per request', async () => {
    const k = fakeKeystone();
    const source = new KeystoneCredentialSource(k.keystone, 60);
    for (let i = 0; i < 4; i++) assert.equal(await auth(source), 't1');
    assert.deepEqual([k.calls.secret.length, k.calls.ec2tokens], [1, 1]);
    assert.equal(await auth(source, ACCESS, 'wrong'), 'SignatureDoesNotMatch');
    assert.deepEqual([k.calls.secret.length, k.calls.ec2tokens], [1, 1], 'a wrong signature is refused from the cache');
  });

  test('a revoked credential stops working once its secret expires (ttl 1 s)', async () => {
    const k = fakeKeystone();
    const source = new KeystoneCredentialSource(k.keystone, 1);
    assert.equal(await auth(source), 't1');
    k.state.revoked = true;
    assert.equal(await auth(source), 't1', 'cached until the TTL');
    await eventually('AuthFailure after the TTL', async () => (await auth(source)) === 'AuthFailure');
  });

  test('credential_cache_ttl = 0: every request reads the secret', async () => {
    const k = fakeKeystone();
    const source = new KeystoneCredentialSource(k.keystone, 0);
    await auth(source);
    await auth(source);
    assert.ok(k.calls.secret.length >= 2);
    k.state.revoked = true;
    assert.equal(await auth(source), 'AuthFailure');
  });

  test('unknown keys do not evict the known one', async () => {
    const k = fakeKeystone();
    const source = new KeystoneCredentialSource(k.keystone, 60);
    await auth(source);
    for (let i = 0; i < 1500; i++) assert.equal(await auth(source, `unknown${i}`, 'x'), 'AuthFailure');
    const before = k.calls.secret.filter((a) => a === ACCESS).length;
    assert.equal(await auth(source), 't1');
    assert.equal(k.calls.secret.filter((a) => a === ACCESS).length, before, 'still cached');
  });

  test('a token is not reused within two minutes of its expiry', async () => {
    const k = fakeKeystone(2 * 60_000 + 300); // usable for 300 ms
    const source = new KeystoneCredentialSource(k.keystone, 60);
    assert.equal(await auth(source), 't1');
    await eventually('a new token', async () => (await auth(source)) !== 't1');
    const short = fakeKeystone(60_000); // already inside the margin: never cached
    const other = new KeystoneCredentialSource(short.keystone, 60);
    assert.deepEqual([await auth(other), await auth(other)], ['t1', 't2']);
  });
});
