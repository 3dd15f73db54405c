/** EC2 credentials of the local credential source (access key → secret, project, user). */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from './db.js';
import type { Project } from './projects.js';
import type { Database } from './schema.js';
import { inTransaction, now } from './sql.js';

export interface Credential { accessKey: string; secret: string; projectId: string; userId: string; createdAt: string }

export class CredentialsRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: DialectName) {}

  async create(projectId: string, userId = 'admin'): Promise<Credential> {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const accessKey = `AKIA${[...randomBytes(16)].map((b) => alphabet[b % 32]).join('')}`;
    const secret = randomBytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'X' : 'Y'));
    const row = { access_key: accessKey, secret, project_id: projectId, user_id: userId, created_at: now() };
    await this.db.insertInto('credentials').values(row).execute();
    return { accessKey, secret, projectId, userId, createdAt: row.created_at };
  }

  /**
   * The first credential of an empty store, or undefined when one exists already. Several processes may start
   * on one empty store at once: only the one that finds none while holding the project's row lock creates it
   * (SQLite: BEGIN IMMEDIATE serializes writers).
   */
  async createFirst(projectId: string): Promise<Credential | undefined> {
    return inTransaction(this.db, async (trx) => {
      if (this.dialect !== 'sqlite') await trx.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().execute();
      if (await trx.selectFrom('credentials').select('access_key').limit(1).executeTakeFirst()) return undefined;
      return new CredentialsRepo(trx, this.dialect).create(projectId, 'admin');
    });
  }

  async find(accessKey: string): Promise<(Credential & { project: Project }) | undefined> {
    const r = await this.db.selectFrom('credentials')
      .innerJoin('projects', 'projects.id', 'credentials.project_id')
      .select(['access_key', 'secret', 'project_id', 'user_id', 'credentials.created_at', 'projects.name', 'projects.owner_id'])
      .where('access_key', '=', accessKey).executeTakeFirst();
    return r && {
      accessKey: r.access_key, secret: r.secret, projectId: r.project_id, userId: r.user_id, createdAt: r.created_at,
      project: { id: r.project_id, name: r.name, ownerId: r.owner_id },
    };
  }

  async list(projectId?: string): Promise<(Credential & { projectName: string })[]> {
    let q = this.db.selectFrom('credentials').innerJoin('projects', 'projects.id', 'credentials.project_id')
      .select(['access_key', 'secret', 'project_id', 'user_id', 'credentials.created_at', 'projects.name']);
    if (projectId) q = q.where('project_id', '=', projectId);
    const rows = await q.orderBy('credentials.created_at').orderBy('access_key').execute();
    return rows.map((r) => ({
      accessKey: r.access_key, secret: r.secret, projectId: r.project_id, userId: r.user_id, createdAt: r.created_at, projectName: r.name,
    }));
  }

  async delete(accessKey: string): Promise<boolean> {
    const r = await this.db.deleteFrom('credentials').where('access_key', '=', accessKey).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
