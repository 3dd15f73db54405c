#!/usr/bin/env node
/**
 * ec2-api-manage: operator commands against the configured store.
 *   db sync                                     create or upgrade the schema
 *   credentials create --project NAME [--user U] [--json]
 *   credentials list [--project NAME] [--json]
 *   credentials delete ACCESS_KEY
 *   config check | config sample
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, sampleConfig } from '../config/config.js';
import { bumpCounter, CREDENTIALS_COUNTER } from '../store/counters.js';
import { migrate, openDb } from '../store/db.js';
import { Store } from '../store/store.js';

const USAGE = `usage: ec2-api-manage <command>
  db sync                                         create or upgrade the database schema
  credentials create --project NAME [--user USER] [--json]
  credentials list [--project NAME] [--json]
  credentials delete ACCESS_KEY
  config check                                    validate the configuration and print its source
  config sample                                   print a sample ec2api.conf with every option
Configuration: EC2API_CONFIG (or --config-file=PATH), then environment, then --section.option=value flags.`;

/**
 * Changes credentials in one transaction with a bump of their change counter,
 * which every running API process polls to drop its cached credentials.
 */
function changeCredentials<T>(store: Store, change: (tx: Store) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    const result = await change(tx);
    await bumpCounter(tx.db, CREDENTIALS_COUNTER);
    return result;
  });
}

function fail(message: string, code = 2): never {
  process.stderr.write(`ec2-api-manage: ${message}\n`);
  process.exit(code);
}

async function main() {
  const argv = process.argv.slice(2);
  const configFlags = argv.filter((a) => /^--[a-z_0-9]+(\.[a-z_0-9]+)?=/.test(a) || a.startsWith('--config-file='));
  const rest = argv.filter((a) => !configFlags.includes(a));
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: { project: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [group, command, arg] = positionals;
  if (values.help || !group) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (group === 'config' && command === 'sample') {
    process.stdout.write(sampleConfig());
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ argv: configFlags });
  } catch (e) {
    if (e instanceof ConfigError) fail(`configuration error: ${e.message}`);
    throw e;
  }
  if (group === 'config' && command === 'check') {
    for (const w of config.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`configuration OK (${config.source}); backend ${config.DEFAULT.cloud_backend}\n`);
    return;
  }
  const store = new Store(openDb(config.database.connection, 2));
  try {
    if (group === 'db' && command === 'sync') {
      const applied = await migrate(store.db, store.dialect);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      return;
    }
    await migrate(store.db, store.dialect);
    if (group === 'credentials' && command === 'create') {
      if (!values.project) fail('credentials create needs --project NAME');
      const project = await store.projects.getOrCreate(values.project);
      const cred = await changeCredentials(store, (tx) => tx.credentials.create(project.id, values.user ?? 'admin'));
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ AccessKeyId: cred.accessKey, SecretAccessKey: cred.secret, Project: project.name, ProjectId: project.id, OwnerId: project.ownerId })}\n`);
      } else {
        process.stdout.write(`project ${project.name} (account ${project.ownerId})\naws_access_key_id = ${cred.accessKey}\naws_secret_access_key = ${cred.secret}\n`);
      }
      return;
    }
    if (group === 'credentials' && command === 'list') {
      let projectId: string | undefined;
      if (values.project) {
        projectId = (await store.projects.find(values.project))?.id;
        if (!projectId) fail(`no project named ${values.project}`, 1);
      }
      const creds = await store.credentials.list(projectId);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(creds.map((c) => ({ AccessKeyId: c.accessKey, Project: c.projectName, User: c.userId, Created: c.createdAt })))}\n`);
      } else {
        for (const c of creds) process.stdout.write(`${c.accessKey}\t${c.projectName}\t${c.userId}\t${c.createdAt}\n`);
      }
      return;
    }
    if (group === 'credentials' && command === 'delete') {
      if (!arg) fail('credentials delete needs ACCESS_KEY');
      if (!(await changeCredentials(store, (tx) => tx.credentials.delete(arg)))) fail(`no credential ${arg}`, 1);
      process.stdout.write(`deleted ${arg}\n`);
      return;
    }
    fail(`unknown command: ${positionals.join(' ')}\n${USAGE}`);
  } finally {
    await store.close();
  }
}

await main();
