/**
 * The embedded cloud's own migrations, on the store dialect under test: they adopt the
 * local_key_pairs table (and its rows) that the store's released migration 0001 made,
 * create it on a database without it, and run again as a no-op.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { LocalCloudDatabase } from '../../src/cloud/local/schema.js';
import { openLocalCloud } from '../../src/cloud/local/index.js';
import { LOCAL_CLOUD_MIGRATIONS, migrateLocalCloud } from '../../src/cloud/local/migrations.js';
import { loadConfig } from '../../src/config/config.js';
import { generateKeyPair } from '../../src/kit/key-material.js';
import { migrate, openDb } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/databases.js';
import { cleanEnv, runToEnd } from '../helpers/processes.js';

const config = loadConfig({ env: {}, argv: [] });
const ctx = { requestId: randomUUID(), projectId: randomUUID(), userId: 'u', region: 'eu-west-1' };
const publicKey = generateKeyPair('ed25519', 'pem', 'adopted').publicKeyOpenSsh;

test('an existing local_key_pairs table is adopted with its rows; a second run changes nothing', async () => {
  const database = await createTestDatabase();
  const { db, dialect } = openDb(database.url);
  try {
    await migrate(db, dialect); // the store's 0001 makes local_key_pairs, as in every released data folder
    await (db as unknown as Kysely<LocalCloudDatabase>).insertInto('local_key_pairs')
      .values({ project_id: ctx.projectId, region: ctx.region, name: 'kept', public_key: publicKey, created_at: '2025-01-02T03:04:05.000Z' })
      .execute();
    assert.deepEqual(await migrateLocalCloud(db), Object.keys(LOCAL_CLOUD_MIGRATIONS));
    assert.deepEqual(await migrateLocalCloud(db), [], 'a second run applies nothing');
    const cloud = await openLocalCloud(db, config); // opening migrates again: nothing to do
    const kept = await cloud.compute.getKeyPair(ctx, 'kept');
    assert.equal(kept?.publicKey, publicKey);
    assert.equal(kept?.createdAt?.toISOString(), '2025-01-02T03:04:05.000Z');
    assert.deepEqual((await cloud.compute.listKeyPairs(ctx)).items.map((k) => k.name), ['kept']);
    // names stay case-sensitive in the adopted table
    await cloud.compute.importKeyPair(ctx, 'KEPT', publicKey);
    await assert.rejects(cloud.compute.importKeyPair(ctx, 'kept', publicKey), /already exists/);
    assert.deepEqual((await cloud.compute.listKeyPairs(ctx)).items.map((k) => k.name), ['KEPT', 'kept']);
    const applied = await sql<{ name: string }>`SELECT name FROM local_cloud_migration ORDER BY name`.execute(db);
    assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(LOCAL_CLOUD_MIGRATIONS));
  } finally {
    await db.destroy();
    await database.drop();
  }
});

test('on a database without the table, the first migration creates it', async () => {
  const database = await createTestDatabase();
  const { db } = openDb(database.url);
  try {
    const cloud = await openLocalCloud(db, config);
    await cloud.compute.importKeyPair(ctx, 'new', publicKey);
    await cloud.compute.importKeyPair(ctx, 'new ', publicKey); // trailing space: another name
    assert.deepEqual((await cloud.compute.listKeyPairs(ctx)).items.map((k) => k.name), ['new', 'new ']);
    assert.deepEqual(await migrateLocalCloud(db), []);
  } finally {
    await db.destroy();
    await database.drop();
  }
});

test('processes opening the embedded cloud at once migrate it once', async () => {
  const database = await createTestDatabase();
  const { db, dialect } = openDb(database.url);
  try {
    await migrate(db, dialect);
    const runs = await Promise.all([1, 2, 3].map(() =>
      runToEnd(['test/cloud-contract/fixtures/migrate-local-cloud.ts', database.url], cleanEnv({}))));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const applied = runs.flatMap((r) => JSON.parse(r.stdout) as string[]);
    assert.deepEqual(applied.sort(), Object.keys(LOCAL_CLOUD_MIGRATIONS).sort(), 'each migration applied by exactly one process');
    assert.deepEqual(await migrateLocalCloud(db), []);
  } finally {
    await db.destroy();
    await database.drop();
  }
});
