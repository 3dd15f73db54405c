/**
 * The embedded cloud's schema, migrated apart from the EC2 store: its own Kysely
 * Migrator with its own migration tables, run when the local provider opens.
 * Kysely's migration lock (MySQL GET_LOCK, PostgreSQL advisory lock; SQLite: the
 * store's BEGIN IMMEDIATE transactions) lets several processes start at once.
 * Never edit a released migration: add the next one.
 *
 * `local_key_pairs` was first created by the store's released migration 0001,
 * which creates it unconditionally: on a fresh database the store migrates
 * first, and this schema's first migration adopts the table (and its rows).
 */
import { type Kysely, type Migration, Migrator, MysqlAdapter, sql } from 'kysely';

const ts = 'varchar(32)';

/** EC2 names are case- and space-sensitive: on MySQL/MariaDB text compares as binary, NO PAD. */
async function binaryCollation(db: Kysely<unknown>, table: string) {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  const { rows } = await sql<{ v: string }>`SELECT VERSION() AS v`.execute(db);
  const collation = /mariadb/i.test(rows[0]?.v ?? '') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
  await sql`ALTER TABLE ${sql.table(table)} CONVERT TO CHARACTER SET utf8mb4 COLLATE ${sql.raw(collation)}`.execute(db);
}

export const LOCAL_CLOUD_MIGRATIONS: Record<string, Migration> = {
  '0001_key_pairs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('local_key_pairs')
        .ifNotExists()
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('local_key_pairs_pk', ['project_id', 'region', 'name'])
        .execute();
      await binaryCollation(db, 'local_key_pairs');
    },
  },
  '0002_images': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('local_images')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('owner', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('visibility', 'varchar(16)', (c) => c.notNull())
        .addColumn('disk_format', 'varchar(32)')
        .addColumn('container_format', 'varchar(32)')
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await binaryCollation(db, 'local_images');
      await db.schema.createIndex('local_images_created').on('local_images').columns(['region', 'created_at', 'id']).execute();
    },
  },
};

/** Brings the embedded cloud's tables up to date; returns the names of the migrations it applied. */
export async function migrateLocalCloud<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => LOCAL_CLOUD_MIGRATIONS },
    migrationTableName: 'local_cloud_migration',
    migrationLockTableName: 'local_cloud_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
