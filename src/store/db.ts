/**
 * Opens the store on the dialect its connection URL names and runs migrations.
 * URLs: sqlite:///abs/path.db, sqlite://relative.db, sqlite::memory:,
 * mysql://user:pass@host:port/db (also mysql+pymysql://, mariadb://),
 * postgresql://user:pass@host:port/db (also postgres://, postgresql+psycopg2://).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery, type DialectAdapter, type Driver, Kysely, Migrator, MysqlDialect, PostgresDialect, SqliteAdapter, SqliteDialect,
} from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'mysql' | 'postgres';

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
}

export function dialectOf(url: string): DialectName {
  const scheme = url.split(':', 1)[0].split('+', 1)[0].toLowerCase();
  if (scheme === 'sqlite') return 'sqlite';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  throw new Error(`unsupported database connection scheme '${scheme}' (use sqlite, mysql or postgresql)`);
}

function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:/, '');
  if (rest === ':memory:' || rest === '///:memory:') return ':memory:';
  if (rest.startsWith('///')) return rest.slice(2); // sqlite:///abs → /abs
  return rest.replace(/^\/\//, '');
}

/**
 * SQLite shared by several processes (one file, WAL): a transaction that reads before it writes
 * (putTags, first start) fails at once with SQLITE_BUSY when another process writes, instead of
 * waiting (busy_timeout); BEGIN IMMEDIATE takes the write lock up front. Migrations run in such a
 * transaction too (SQLite's DDL is transactional), so processes starting together apply each once.
 */
class SharedSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => { await connection.executeQuery(CompiledQuery.raw('begin immediate')); };
    return driver;
  }

  override createAdapter(): DialectAdapter {
    return new (class extends SqliteAdapter {
      override get supportsTransactionalDdl() { return true; }
    })();
  }
}

export function openDb(url: string, poolSize = 10): StoreDb {
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') {
    const file = sqlitePath(url);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = new SQLite(file);
    // First, so that switching a new file to WAL waits for other processes opening it too.
    database.pragma('busy_timeout = 5000');
    // WAL + NORMAL: crash-safe commits without an fsync per transaction on every read.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    return { dialect, db: new Kysely<Database>({ dialect: new SharedSqliteDialect({ database }) }) };
  }
  const u = new URL(url.replace(/^[a-z]+\+[a-z0-9]+:/i, (s) => `${s.split('+')[0]}:`));
  if (dialect === 'mysql') {
    const pool = createPool({
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username) || 'root',
      password: decodeURIComponent(u.password) || undefined,
      database: u.pathname.replace(/^\//, ''),
      connectionLimit: poolSize,
      charset: 'utf8mb4',
      timezone: 'Z',
    });
    return { dialect, db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }) }) };
  }
  const pool = new pg.Pool({
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password) || undefined,
    database: u.pathname.replace(/^\//, ''),
    max: poolSize,
  });
  // An idle connection the server ends (restart, failover, pg_terminate_backend) is reported as a
  // pool 'error' event; unhandled, it would crash the process. pg drops that client and opens a new one on demand.
  pool.on('error', () => {});
  return { dialect, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
}

/** Brings the schema up to date; safe to run from several processes at once (Kysely takes a migration lock; SQLite: BEGIN IMMEDIATE). */
export async function migrate(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
