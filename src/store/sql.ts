/** Dialect differences the repositories share: unique violations, row locks, upserts, wildcard matching. */
import { type Expression, type Kysely, MysqlAdapter, type SqlBool, sql } from 'kysely';
import { type WildcardToken, wildcardTokens } from '../kit/wildcards.js';
import type { DialectName } from './db.js';

/** True for a unique/primary-key violation on any of the three dialects. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; errno?: number; message?: string };
  return err?.code === 'ER_DUP_ENTRY' || err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint|Duplicate entry|duplicate key/i.test(err?.message ?? '');
}

export const now = () => new Date().toISOString();

/**
 * `column` matches an EC2 filter value (`*`, `?`, `\` escapes), case-sensitively on every dialect:
 * SQLite's LIKE ignores ASCII case, so it gets GLOB; MySQL (binary collation) and PostgreSQL get LIKE.
 */
export function matchesWildcard(dialect: DialectName, column: string, value: string): Expression<SqlBool> {
  const tokens = wildcardTokens(value);
  const ref = sql.ref(column);
  if (tokens.every((t) => typeof t === 'object')) return sql<SqlBool>`${ref} = ${literalOf(tokens)}`;
  if (dialect === 'sqlite') {
    const glob = tokens.map((t) => (t === '*' || t === '?' ? t : t.lit.replace(/[*?[]/g, '[$&]'))).join('');
    return sql<SqlBool>`${ref} GLOB ${glob}`;
  }
  const like = tokens.map((t) => (t === '*' ? '%' : t === '?' ? '_' : t.lit.replace(/[!%_]/g, '!$&'))).join('');
  return sql<SqlBool>`${ref} LIKE ${like} ESCAPE '!'`;
}

const literalOf = (tokens: WildcardToken[]) => tokens.map((t) => (typeof t === 'object' ? t.lit : '')).join('');

/** Runs `fn` in a transaction: the caller's, when `db` is one already (repositories compose), else a new one. */
export const inTransaction = <DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> =>
  db.isTransaction ? fn(db) : db.transaction().execute(fn);

/**
 * EC2 names are case- and space-sensitive ('a', 'A' and 'a ' are three key pairs), so on MySQL/MariaDB
 * every text column of `tables` gets a binary NO PAD collation, whatever the server's default. Elsewhere a no-op.
 */
export async function binaryCollation(db: Kysely<unknown>, tables: string[]): Promise<void> {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  const { rows } = await sql<{ v: string }>`SELECT VERSION() AS v`.execute(db);
  const collation = /mariadb/i.test(rows[0]?.v ?? '') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
  for (const t of tables) await sql`ALTER TABLE ${sql.table(t)} CONVERT TO CHARACTER SET utf8mb4 COLLATE ${sql.raw(collation)}`.execute(db);
}
