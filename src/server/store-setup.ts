/**
 * The store as a process opens it (migrated unless told otherwise) and the embedded cloud's first start.
 * Apart from the app so that a cluster's primary, which only migrates and bootstraps, loads no request path.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, listenUrl } from '../config/config.js';
import { migrate, openDb } from '../store/db.js';
import { Store } from '../store/store.js';

/** `migrate: false` in workers: their primary migrated the store before forking them. */
export async function openStore(config: Config, opts: { migrate?: boolean } = {}): Promise<Store> {
  const store = new Store(openDb(config.database.connection, config.database.max_pool_size));
  if (opts.migrate !== false) await migrate(store.db, store.dialect);
  return store;
}

/** aws-cli's shared-credentials format. */
export function credentialsFileText(profile: string, accessKey: string, secret: string, region: string): string {
  return `[${profile}]\naws_access_key_id = ${accessKey}\naws_secret_access_key = ${secret}\nregion = ${region}\n`;
}

/**
 * First start of the embedded cloud: when the store has no credentials yet, create
 * a project and a key pair, save them to <data_dir>/credentials (mode 0600) and say so.
 */
export async function bootstrapFirstStart(app: { config: Config; store: Store }): Promise<{ created: boolean; file: string }> {
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
