/**
 * Fresh, throw-away databases for tests on each dialect. DIALECT comes from
 * EC2API_TEST_DIALECT (sqlite | mysql | postgres); the servers are the ones CI
 * runs on 127.0.0.1 (MariaDB root without password, PostgreSQL trust auth).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DialectName } from '../../src/store/db.js';

export const TEST_DIALECT = (process.env.EC2API_TEST_DIALECT ?? 'sqlite') as DialectName;

export interface TestDatabase { url: string; drop(): Promise<void> }

export async function createTestDatabase(dialect: DialectName = TEST_DIALECT): Promise<TestDatabase> {
  const name = `ec2api_t_${randomBytes(5).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ec2api-db-'));
    return { url: `sqlite:///${join(dir, 'ec2api.db')}`, drop: async () => {} };
  }
  if (dialect === 'mysql') {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await conn.end();
    return {
      url: `mysql://root@127.0.0.1:3306/${name}`,
      drop: async () => {
        const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
        await c.end();
      },
    };
  }
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
