/**
 * The one schema, as ordered migrations that run unchanged on SQLite, MariaDB/MySQL
 * and PostgreSQL. Never edit a released migration: add the next one.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { DialectName } from './db.js';
import { binaryCollation } from './sql.js';

const ts = 'varchar(32)';

const TABLES = ['projects', 'credentials', 'resources', 'tags', 'client_tokens', 'local_key_pairs'];

const migrations = (dialect: DialectName): Record<string, Migration> => ({
  '0001_foundation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('projects')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('owner_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('credentials')
        .addColumn('access_key', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('secret', 'varchar(128)', (c) => c.notNull())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('resources')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('os_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('attrs', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addUniqueConstraint('resources_backend_uq', ['project_id', 'region', 'kind', 'os_id'])
        .execute();
      await db.schema
        .createTable('tags')
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('key', 'varchar(128)', (c) => c.notNull())
        .addColumn('value', 'varchar(256)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('tags_pk', ['project_id', 'resource_id', 'key'])
        .execute();
      await db.schema
        .createTable('client_tokens')
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('token', 'varchar(128)', (c) => c.notNull())
        .addColumn('params_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('client_tokens_pk', ['project_id', 'region', 'action', 'token'])
        .execute();
      await db.schema
        .createTable('local_key_pairs')
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('local_key_pairs_pk', ['project_id', 'region', 'name'])
        .execute();
      if (dialect === 'mysql') await binaryCollation(db, TABLES);
    },
  },
  // Counters that processes sharing the store poll to drop what they cached (src/store/counters.ts).
  '0002_change_counters': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('counters')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO counters (name, value) VALUES ('credentials', 0)`.execute(db);
      if (dialect === 'mysql') await binaryCollation(db, ['counters']);
    },
  },
  // tags.seq was never used.
  '0003_drop_tags_seq': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('tags').dropColumn('seq').execute();
    },
  },
});

export const migrationProvider = (dialect: DialectName): MigrationProvider => ({
  getMigrations: async () => migrations(dialect),
});
