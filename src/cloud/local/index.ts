/**
 * The embedded cloud: OpenStack's primitives kept in the service's own database
 * (its own tables and migrations, next to the EC2 store's), so one command gives
 * a working EC2 endpoint.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import type { CloudProvider } from '../provider.js';
import { localBlockStorage } from './block-storage.js';
import { localCompute } from './compute.js';
import { localIdentity } from './identity.js';
import { localImage } from './image.js';
import { migrateLocalCloud } from './migrations.js';
import { localNetwork } from './network.js';
import type { LocalCloudDatabase } from './schema.js';

/**
 * Opens the embedded cloud on a database handle (the store's pool will do) and brings its
 * tables up to date. On a fresh database, run the store's migrations first (see migrations.ts).
 * Closing the provider leaves the handle open: its owner closes it.
 */
export async function openLocalCloud<DB>(handle: Kysely<DB>, config: Config): Promise<CloudProvider> {
  const db = handle as unknown as Kysely<LocalCloudDatabase>;
  await migrateLocalCloud(db);
  return {
    name: 'local',
    compute: localCompute(db, config),
    network: localNetwork(db, config),
    blockStorage: localBlockStorage(config),
    image: localImage(db),
    identity: localIdentity(),
    close: async () => {},
  };
}
