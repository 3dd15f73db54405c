/** The provider contract against the embedded cloud, on the store dialect under test (EC2API_TEST_DIALECT). */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addImage, removeImage } from '../../src/cloud/local/image.js';
import { openLocalCloud } from '../../src/cloud/local/index.js';
import type { LocalCloudDatabase } from '../../src/cloud/local/schema.js';
import { loadConfig } from '../../src/config/config.js';
import { AWS_REGIONS } from '../../src/kit/aws-regions.js';
import { migrate, openDb } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/databases.js';
import { type NetworkContractTarget, runNetworkContract } from './network-suite.js';
import { runServerGroupsContract } from './server-groups-suite.js';
import { runCloudContract } from './suite.js';

async function localTarget(): Promise<NetworkContractTarget> {
  const database = await createTestDatabase();
  const { db, dialect } = openDb(database.url);
  await migrate(db, dialect); // the store first: its migration 0001 makes local_key_pairs
  const config = loadConfig({ env: {}, argv: [] });
  const region = 'us-east-1';
  const ctx = (projectId: string) => ({ requestId: randomUUID(), projectId, userId: 'u', region });
  const a = ctx(randomUUID());
  const b = ctx(randomUUID());
  const owners = { a: a.projectId, b: b.projectId, admin: randomUUID() };
  const cloudDb = db as unknown as Kysely<LocalCloudDatabase>;
  return {
    provider: await openLocalCloud(db, config),
    a, b,
    zones: config.local.availability_zones.map((s) => `${region}${s}`),
    regions: { mode: 'open', names: AWS_REGIONS.map((r) => r.name) },
    async withQuotas(q, check) {
      const argv = [`--local.max_instances=${q.instances}`, `--local.max_elastic_ips=${q.floatingIps}`,
        `--local.max_volumes=${q.volumes}`, `--local.max_volume_gigabytes=${q.gigabytes}`, `--local.max_snapshots=${q.snapshots}`];
      await check(await openLocalCloud(db, loadConfig({ env: {}, argv })), ctx(randomUUID()));
    },
    createImage: async (owner, image) =>
      (await addImage(cloudDb, region, { owner: owners[owner], ...image, diskFormat: 'raw', containerFormat: 'bare' })).id,
    deleteImage: (_owner, id) => removeImage(cloudDb, id),
    close: async () => { await db.destroy(); await database.drop(); },
    choosesFloatingIpAddress: true,
  };
}

runCloudContract('local', localTarget);
runNetworkContract('local', localTarget);
runServerGroupsContract('local', localTarget);
