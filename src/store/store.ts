/**
 * Repositories over the store. Every method that touches EC2 state takes the
 * project (and region where objects are regional), so no query can forget its scope.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type IdKind, newId } from '../kit/ids.js';
import type { DialectName, StoreDb } from './db.js';
import type { Database } from './schema.js';

export interface Project { id: string; name: string; ownerId: string }
export interface Credential { accessKey: string; secret: string; projectId: string; userId: string; createdAt: string }
export interface Resource<A = Record<string, unknown>> {
  id: string; projectId: string; region: string; kind: IdKind; osId: string; attrs: A; createdAt: string;
}
export interface Tag { Key: string; Value: string }

const now = () => new Date().toISOString();

/** True for a unique/primary-key violation on any of the three dialects. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; errno?: number; message?: string };
  return err?.code === 'ER_DUP_ENTRY' || err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint|Duplicate entry|duplicate key/i.test(err?.message ?? '');
}

const rowToResource = (r: Database['resources']): Resource => ({
  id: r.id, projectId: r.project_id, region: r.region, kind: r.kind as IdKind, osId: r.os_id,
  attrs: JSON.parse(r.attrs), createdAt: r.created_at,
});

export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;

  constructor({ db, dialect }: StoreDb) {
    this.db = db;
    this.dialect = dialect;
  }

  close() {
    return this.db.destroy();
  }

  // ---- projects and credentials (the local credential source) ----

  async createProject(name: string): Promise<Project> {
    const p = { id: randomUUID().replace(/-/g, ''), name, owner_id: String(randomInt(1e11, 1e12 - 1)).padStart(12, '0') };
    await this.db.insertInto('projects').values({ ...p, created_at: now() }).execute();
    return { id: p.id, name, ownerId: p.owner_id };
  }

  async findProject(nameOrId: string): Promise<Project | undefined> {
    const r = await this.db.selectFrom('projects').selectAll()
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)])).executeTakeFirst();
    return r && { id: r.id, name: r.name, ownerId: r.owner_id };
  }

  async getOrCreateProject(name: string): Promise<Project> {
    const existing = await this.findProject(name);
    if (existing) return existing;
    try {
      return await this.createProject(name);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const again = await this.findProject(name);
      if (!again) throw e;
      return again;
    }
  }

  /** `db`: a transaction to create it in (default: the store). */
  async createCredential(projectId: string, userId = 'admin', db: Kysely<Database> = this.db): Promise<Credential> {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const accessKey = `AKIA${[...randomBytes(16)].map((b) => alphabet[b % 32]).join('')}`;
    const secret = randomBytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'X' : 'Y'));
    const row = { access_key: accessKey, secret, project_id: projectId, user_id: userId, created_at: now() };
    await db.insertInto('credentials').values(row).execute();
    return { accessKey, secret, projectId, userId, createdAt: row.created_at };
  }

  async findCredential(accessKey: string): Promise<(Credential & { project: Project }) | undefined> {
    const r = await this.db.selectFrom('credentials')
      .innerJoin('projects', 'projects.id', 'credentials.project_id')
      .select(['access_key', 'secret', 'project_id', 'user_id', 'credentials.created_at', 'projects.name', 'projects.owner_id'])
      .where('access_key', '=', accessKey).executeTakeFirst();
    return r && {
      accessKey: r.access_key, secret: r.secret, projectId: r.project_id, userId: r.user_id, createdAt: r.created_at,
      project: { id: r.project_id, name: r.name, ownerId: r.owner_id },
    };
  }

  async listCredentials(projectId?: string): Promise<(Credential & { projectName: string })[]> {
    let q = this.db.selectFrom('credentials').innerJoin('projects', 'projects.id', 'credentials.project_id')
      .select(['access_key', 'secret', 'project_id', 'user_id', 'credentials.created_at', 'projects.name']);
    if (projectId) q = q.where('project_id', '=', projectId);
    const rows = await q.orderBy('credentials.created_at').orderBy('access_key').execute();
    return rows.map((r) => ({
      accessKey: r.access_key, secret: r.secret, projectId: r.project_id, userId: r.user_id, createdAt: r.created_at, projectName: r.name,
    }));
  }

  async deleteCredential(accessKey: string): Promise<boolean> {
    const r = await this.db.deleteFrom('credentials').where('access_key', '=', accessKey).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ---- EC2 ids ↔ backend ids ----

  async createResource(projectId: string, region: string, kind: IdKind, osId: string, attrs: object = {}): Promise<Resource> {
    for (let attempt = 0; ; attempt++) {
      const row = { id: newId(kind), project_id: projectId, region, kind, os_id: osId, attrs: JSON.stringify(attrs), created_at: now() };
      try {
        await this.db.insertInto('resources').values(row).execute();
        return rowToResource(row);
      } catch (e) {
        if (!isUniqueViolation(e) || attempt > 3) throw e;
        const existing = await this.findResourceByOsId(projectId, region, kind, osId);
        if (existing) return existing; // a concurrent request mapped it first
      }
    }
  }

  /** The EC2 id of a backend object, assigned on first sight (objects made outside EC2, e.g. with the openstack CLI). */
  async ensureResource(projectId: string, region: string, kind: IdKind, osId: string, attrs: object = {}): Promise<Resource> {
    return (await this.findResourceByOsId(projectId, region, kind, osId)) ?? this.createResource(projectId, region, kind, osId, attrs);
  }

  async findResource(projectId: string, region: string, id: string): Promise<Resource | undefined> {
    const r = await this.db.selectFrom('resources').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('id', '=', id).executeTakeFirst();
    return r && rowToResource(r);
  }

  async findResourceByOsId(projectId: string, region: string, kind: IdKind, osId: string): Promise<Resource | undefined> {
    const r = await this.db.selectFrom('resources').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('kind', '=', kind).where('os_id', '=', osId)
      .executeTakeFirst();
    return r && rowToResource(r);
  }

  async listResources(projectId: string, region: string, kind: IdKind): Promise<Resource[]> {
    const rows = await this.db.selectFrom('resources').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('kind', '=', kind).orderBy('id').execute();
    return rows.map(rowToResource);
  }

  async updateResourceAttrs(projectId: string, id: string, attrs: object): Promise<void> {
    await this.db.updateTable('resources').set({ attrs: JSON.stringify(attrs) })
      .where('project_id', '=', projectId).where('id', '=', id).execute();
  }

  /** Removes the mapping and the object's tags, atomically. */
  async deleteResource(projectId: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Lock the resource row first, in the same order as putTags, so the two cannot deadlock.
      if (this.dialect !== 'sqlite') await trx.selectFrom('resources').select('id').where('id', '=', id).forUpdate().execute();
      await trx.deleteFrom('tags').where('project_id', '=', projectId).where('resource_id', '=', id).execute();
      await trx.deleteFrom('resources').where('project_id', '=', projectId).where('id', '=', id).execute();
    });
  }

  // ---- tags ----

  async tagsOf(projectId: string, resourceIds: string[]): Promise<Map<string, Tag[]>> {
    const out = new Map<string, Tag[]>(resourceIds.map((id) => [id, []]));
    if (resourceIds.length === 0) return out;
    const rows = await this.db.selectFrom('tags').select(['resource_id', 'key', 'value'])
      .where('project_id', '=', projectId).where('resource_id', 'in', resourceIds).orderBy('resource_id').orderBy('key').execute();
    for (const r of rows) out.get(r.resource_id)?.push({ Key: r.key, Value: r.value });
    return out;
  }

  /** Every tag of the project in one region, with the kind of its resource, in a stable order. */
  async listTags(projectId: string, region: string): Promise<{ resourceId: string; kind: IdKind; key: string; value: string }[]> {
    const rows = await this.db.selectFrom('tags').innerJoin('resources', (j) =>
      j.onRef('resources.id', '=', 'tags.resource_id').onRef('resources.project_id', '=', 'tags.project_id'))
      .select(['tags.resource_id', 'resources.kind', 'tags.key', 'tags.value'])
      .where('tags.project_id', '=', projectId).where('resources.region', '=', region)
      .orderBy('tags.resource_id').orderBy('tags.key').execute();
    return rows.map((r) => ({ resourceId: r.resource_id, kind: r.kind as IdKind, key: r.key, value: r.value }));
  }

  /**
   * Adds or overwrites tags on resources, in one transaction; `limit` is checked
   * inside it, so concurrent writers cannot push a resource past it together.
   * Nothing is written when a resource would exceed the limit (`over`) or no longer exists (`missing`).
   */
  async putTags(projectId: string, resourceIds: string[], tags: Tag[], limit: number): Promise<{ over?: string; missing?: string }> {
    return this.db.transaction().execute(async (trx) => {
      for (const resourceId of resourceIds) {
        // Lock the resource's row: tag rows may not exist yet, so they cannot be locked.
        // SQLite serializes writers already and has no FOR UPDATE.
        const row = await trx.selectFrom('resources').select('id').where('project_id', '=', projectId).where('id', '=', resourceId)
          .$if(this.dialect !== 'sqlite', (q) => q.forUpdate()).executeTakeFirst();
        if (!row) return { missing: resourceId };
        const existing = await trx.selectFrom('tags').select('key')
          .where('project_id', '=', projectId).where('resource_id', '=', resourceId).execute();
        const keys = new Set(existing.map((r) => r.key));
        for (const t of tags) keys.add(t.Key);
        if (keys.size > limit) return { over: resourceId };
      }
      for (const resourceId of resourceIds) {
        for (const t of tags) {
          const row = { project_id: projectId, resource_id: resourceId, key: t.Key, value: t.Value };
          if (this.dialect === 'mysql') {
            await trx.insertInto('tags').values(row).onDuplicateKeyUpdate({ value: t.Value }).execute();
          } else {
            await trx.insertInto('tags').values(row)
              .onConflict((oc) => oc.columns(['project_id', 'resource_id', 'key']).doUpdateSet({ value: t.Value })).execute();
          }
        }
      }
      return {};
    });
  }

  /** Deletes tags: a tag with no Value deletes the key whatever its value; with a Value, only on a match; no tags: all. */
  async deleteTags(projectId: string, resourceIds: string[], tags: { Key: string; Value?: string }[] | undefined): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!tags) {
        await trx.deleteFrom('tags').where('project_id', '=', projectId).where('resource_id', 'in', resourceIds).execute();
        return;
      }
      for (const t of tags) {
        let q = trx.deleteFrom('tags').where('project_id', '=', projectId).where('resource_id', 'in', resourceIds).where('key', '=', t.Key);
        if (t.Value !== undefined) q = q.where('value', '=', t.Value);
        await q.execute();
      }
    });
  }

  // ---- client tokens (idempotency) ----

  async findClientToken(projectId: string, region: string, action: string, token: string) {
    return this.db.selectFrom('client_tokens').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('action', '=', action).where('token', '=', token)
      .executeTakeFirst();
  }

  async saveClientToken(projectId: string, region: string, action: string, token: string, paramsHash: string, result: string) {
    await this.db.insertInto('client_tokens').values({
      project_id: projectId, region, action, token, params_hash: paramsHash, result, created_at: now(),
    }).execute();
  }
}
