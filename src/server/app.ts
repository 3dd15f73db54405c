/**
 * Wiring: configuration → store (migrated) → cloud provider → credential source
 * → pipeline. One App per process; the binaries start the listeners they need.
 */
import { LocalCredentialSource } from '../auth/local-credentials.js';
import type { CredentialSource } from '../auth/types.js';
import { openLocalCloud } from '../cloud/local/index.js';
import type { CloudProvider } from '../cloud/provider.js';
import type { Config } from '../config/config.js';
import { createLogger, type Level, type Logger } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import type { Store } from '../store/store.js';
import { Ec2Pipeline, type PipelineDeps } from './pipeline.js';
import { openStore } from './store-setup.js';

export { bootstrapFirstStart, credentialsFileText, openStore, writeCredentialsFile } from './store-setup.js';

export interface App extends PipelineDeps {
  pipeline: Ec2Pipeline;
  close(): Promise<void>;
}

async function createCloud(config: Config, store: Store, metrics: Metrics, logger: Logger): Promise<{ cloud: CloudProvider; credentials: CredentialSource }> {
  if (config.DEFAULT.cloud_backend === 'openstack') {
    const { createOpenStack } = await import('../cloud/openstack/index.js');
    return createOpenStack(config, metrics, logger);
  }
  // After the store's migrations (openStore): the local cloud adopts a table the store's first migration made.
  return { cloud: await openLocalCloud(store.db, config), credentials: new LocalCredentialSource(store, { logger }) };
}

export async function createApp(config: Config, opts: { logger?: Logger; migrate?: boolean } = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.DEFAULT.log_level as Level, { service: 'ec2-api' });
  for (const w of config.warnings) logger.warn(w);
  const metrics = new Metrics();
  const store = await openStore(config, opts);
  const { cloud, credentials } = await createCloud(config, store, metrics, logger);
  const pipeline = new Ec2Pipeline({ config, store, cloud, credentials, logger, metrics });
  return {
    config, store, cloud, credentials, logger, metrics, pipeline,
    async close() {
      await credentials.close?.();
      await cloud.close();
      await store.close();
    },
  };
}

