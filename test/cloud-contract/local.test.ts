/** The provider contract against the embedded cloud, on the store dialect under test. */
import { randomUUID } from 'node:crypto';
import { createLocalProvider } from '../../src/cloud/local/index.js';
import { loadConfig } from '../../src/config/config.js';
import { migrate, openDb } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { createTestDatabase } from '../helpers/databases.js';
import { runCloudContract } from './suite.js';

runCloudContract('local', async () => {
  const database = await createTestDatabase();
  const store = new Store(openDb(database.url));
  await migrate(store.db, store.dialect);
  const config = loadConfig({ env: {}, argv: [] });
  const ctx = (projectId: string) => ({ requestId: randomUUID(), projectId, userId: 'u', region: 'us-east-1' });
  return {
    provider: createLocalProvider(store, config),
    a: ctx(randomUUID()),
    b: ctx(randomUUID()),
    close: async () => { await store.close(); await database.drop(); },
  };
});
