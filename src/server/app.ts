/**
 * Wiring: configuration → store (migrated) → cloud provider → credential source
 * → pipeline. One App per process; the binaries start the listeners they need.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCredentialSource } from '../auth/local-credentials.js';
import type { CredentialSource } from '../auth/types.js';
import { openLocalCloud } from '../cloud/local/index.js';
import type { CloudProvider } from '../cloud/provider.js';
import { type Config, listenUrl } from '../config/config.js';
import { createLogger, type Level, type Logger } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import { migrate, openDb } from '../store/db.js';
import { Store } from '../store/store.js';
import { Ec2Pipeline, type PipelineDeps } from './pipeline.js';

export interface App extends PipelineDeps {
  pipeline: Ec2Pipeline;
  close(): Promise<void>;
}

/** `migrate: false` in workers: their primary migrated the store before forking them. */
export async function openStore(config: Config, opts: { migrate?: boolean } = {}): Promise<Store> {
  const store = new Store(openDb(config.database.connection, config.database.max_pool_size));
  if (opts.migrate !== false) await migrate(store.db, store.dialect);
  return store;
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

/** aws-cli's shared-credentials format. */
export function credentialsFileText(profile: string, accessKey: string, secret: string, region: string): string {
  return `[${profile}]\naws_access_key_id = ${accessKey}\naws_secret_access_key = ${secret}\nregion = ${region}\n`;
}

/**
 * First start of the embedded cloud: when the store has no credentials yet, create
 * a project and a key pair, save them to <data_dir>/credentials (mode 0600) and say so.
 */
export async function bootstrapFirstStart(app: Pick<App, 'config' | 'store'>): Promise<{ created: boolean; file: string }> {
  const file = join(app.config.DEFAULT.data_dir, 'credentials');
  if (app.config.DEFAULT.cloud_backend !== 'local') return { created: false, file };
  const existing = await app.store.credentials.list();
  if (existing.length > 0) {
    if (!existsSync(file)) {
      const c = existing[0];
      writeCredentialsFile(file, credentialsFileText('default', c.accessKey, c.secret, app.config.DEFAULT.region_name));
    }
    return { created: false, file };
  }
  const project = await app.store.projects.getOrCreate('default');
  const cred = await app.store.credentials.createFirst(project.id);
  if (!cred) return bootstrapFirstStart(app); // another process made them: save those
  writeCredentialsFile(file, credentialsFileText('default', cred.accessKey, cred.secret, app.config.DEFAULT.region_name));
  process.stdout.write(
    `\nFirst start: created project 'default' (account ${project.ownerId}) and EC2 credentials:\n` +
      `  AWS_ACCESS_KEY_ID=${cred.accessKey}\n  AWS_SECRET_ACCESS_KEY=${cred.secret}\n` +
      `Saved to ${file} (profile 'default'). Try:\n` +
      `  AWS_SHARED_CREDENTIALS_FILE=${file} aws --endpoint-url ${app.config.DEFAULT.public_endpoint || listenUrl(app.config)} ec2 describe-regions\n\n`,
  );
  return { created: true, file };
}

export function writeCredentialsFile(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
