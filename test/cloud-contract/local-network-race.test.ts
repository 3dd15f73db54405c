/**
 * The embedded cloud's address allocation under concurrent requests from several
 * processes on one database (EC2API_TEST_DIALECT): no address is handed out twice,
 * and a pool that runs out gives each address once and IpAddressExhausted for the rest.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { isProviderError } from '../../src/cloud/errors.js';
import { openLocalCloud } from '../../src/cloud/local/index.js';
import type { CloudProvider } from '../../src/cloud/provider.js';
import { loadConfig } from '../../src/config/config.js';
import { migrate, openDb } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/databases.js';
import { cleanEnv, runToEnd } from '../helpers/processes.js';

const ctx = { requestId: randomUUID(), projectId: randomUUID(), userId: 'u', region: 'eu-west-1' };
const PROCESSES = 3;

async function withCloud(check: (cloud: CloudProvider, url: string) => Promise<void>) {
  const database = await createTestDatabase();
  const { db, dialect } = openDb(database.url);
  try {
    await migrate(db, dialect);
    await check(await openLocalCloud(db, loadConfig({ env: {}, argv: [] })), database.url);
  } finally {
    await db.destroy();
    await database.drop();
  }
}

/** PROCESSES processes and this one create `each` ports at once; every address and error kind. */
async function race(cloud: CloudProvider, url: string, networkId: string, each: number) {
  const here = Promise.allSettled([...Array(each)].map(() => cloud.network.createPort(ctx, { networkId })));
  const runs = await Promise.all([...Array(PROCESSES)].map(() =>
    runToEnd(['test/cloud-contract/fixtures/create-ports.ts', url, ctx.projectId, ctx.region, networkId, String(each)], cleanEnv({}))));
  const addresses: string[] = [];
  const errors: string[] = [];
  for (const r of runs) {
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { addresses: string[]; errors: string[] };
    addresses.push(...out.addresses);
    errors.push(...out.errors);
  }
  for (const r of await here) {
    if (r.status === 'fulfilled') addresses.push(...r.value.fixedIps.map((f) => f.ipAddress));
    else errors.push(isProviderError(r.reason) ? r.reason.kind : String(r.reason));
  }
  return { addresses, errors };
}

test('ports created at once by several processes get distinct addresses', async () => {
  await withCloud(async (cloud, url) => {
    const network = await cloud.network.createNetwork(ctx, {});
    await cloud.network.createSubnet(ctx, {
      networkId: network.id, cidr: '10.1.0.0/24', ipVersion: 4, allocationPools: [{ start: '10.1.0.4', end: '10.1.0.254' }],
    });
    const { addresses, errors } = await race(cloud, url, network.id, 15);
    assert.deepEqual(errors, []);
    assert.equal(addresses.length, 15 * (PROCESSES + 1));
    assert.equal(new Set(addresses).size, addresses.length, 'no address twice');
    const listed = (await cloud.network.listPorts(ctx, { filters: { networkId: [network.id] } })).items.flatMap((p) => p.fixedIps.map((f) => f.ipAddress));
    assert.deepEqual(listed.sort(), [...addresses].sort());
  });
});

test('a pool smaller than the requests: each address once, IpAddressExhausted for the rest', async () => {
  await withCloud(async (cloud, url) => {
    const network = await cloud.network.createNetwork(ctx, {});
    await cloud.network.createSubnet(ctx, {
      networkId: network.id, cidr: '10.2.0.0/28', ipVersion: 4, allocationPools: [{ start: '10.2.0.4', end: '10.2.0.13' }],
    });
    const { addresses, errors } = await race(cloud, url, network.id, 4);
    assert.equal(addresses.length, 10, `all ten addresses of the pool are handed out: ${addresses.join(' ')}`);
    assert.equal(new Set(addresses).size, 10);
    assert.deepEqual(errors, Array(6).fill('IpAddressExhausted'));
  });
});
