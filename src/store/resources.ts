/**
 * EC2 id ↔ backend id mappings, with the EC2-only attributes of each object (JSON).
 * Every query is scoped by project and region.
 */
import type { Kysely } from 'kysely';
import { newId } from '../resources/ids.js';
import type { Kind } from '../resources/kinds.js';
import type { DialectName } from './db.js';
import type { Database } from './schema.js';
import { inTransaction, now } from './sql.js';

export interface Resource<A = Record<string, unknown>> {
  id: string; projectId: string; region: string; kind: Kind; osId: string; attrs: A; createdAt: string;
}

// biome-ignore lint/suspicious/noExplicitAny: attrs are JSON whose shape each kind's area declares (src/vpc/model.ts …)
const rowToResource = (r: Database['resources']): Resource<any> => ({
  id: r.id, projectId: r.project_id, region: r.region, kind: r.kind as Kind, osId: r.os_id,
  attrs: JSON.parse(r.attrs), createdAt: r.created_at,
});

/** IN lists are chunked: SQLite allows 32766 bound parameters, MySQL and PostgreSQL 65535 per statement. */
const CHUNK = 500;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

export class ResourcesRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: DialectName) {}

  /**
   * Maps one backend object; when a concurrent request mapped it first, that mapping is returned. Conflicts are
   * ignored rather than caught, so this works inside a transaction on PostgreSQL too (an error aborts it there).
   */
  async create<A = Record<string, unknown>>(projectId: string, region: string, kind: Kind, osId: string, attrs: object = {}, id?: string): Promise<Resource<A>> {
    const mapped = (await this.mapNew(projectId, region, kind, [{ osId, attrs, id }])).get(osId);
    if (!mapped) throw new Error(`no EC2 id could be allocated for ${kind} ${osId}`);
    return mapped as Resource<A>;
  }

  /**
   * EC2 ids for backend objects the caller found unmapped (first sight of objects made outside EC2, e.g. with
   * the openstack CLI): one multi-row write whatever their number, then one read. Rows a concurrent request
   * inserted first win (insert-or-ignore) and are what the read returns.
   */
  async mapNew(projectId: string, region: string, kind: Kind, objects: { osId: string; attrs?: object; id?: string }[]): Promise<Map<string, Resource>> {
    const out = new Map<string, Resource>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = [...new Map(objects.filter((o) => !out.has(o.osId)).map((o) => [o.osId, o])).values()];
      if (fresh.length === 0) break;
      for (const part of chunks(fresh)) {
        const rows = part.map((o) => ({
          id: (attempt === 0 && o.id) || newId(kind), project_id: projectId, region, kind, os_id: o.osId, attrs: JSON.stringify(o.attrs ?? {}), created_at: now(),
        }));
        let q = this.db.insertInto('resources').values(rows);
        q = this.dialect === 'mysql' ? q.ignore() : q.onConflict((oc) => oc.doNothing());
        await q.execute();
      }
      // A row lost to a (vanishingly rare) random id collision is retried with a new id.
      for (const r of await this.byOsIds(projectId, region, kind, fresh.map((o) => o.osId))) out.set(r.osId, r);
    }
    return out;
  }

  /**
   * An object that lives only in the store (route table, internet gateway, DHCP options …): its backend id is its
   * EC2 id. `id` may be chosen beforehand (newId), e.g. to name upstream objects after it.
   */
  async createOwn<A extends object>(projectId: string, region: string, kind: Kind, attrs: A, id = newId(kind)): Promise<Resource<A>> {
    await this.db.insertInto('resources').values({
      id, project_id: projectId, region, kind, os_id: id, attrs: JSON.stringify(attrs), created_at: now(),
    }).execute();
    return { id, projectId, region, kind, osId: id, attrs, createdAt: now() };
  }

  /**
   * In a transaction on MySQL/PostgreSQL the row is locked until it ends (SELECT … FOR UPDATE), so that a read,
   * change and write of an object's attributes cannot lose a concurrent one (SQLite's writers are serialized by
   * BEGIN IMMEDIATE already).
   */
  async find<A = Record<string, unknown>>(projectId: string, region: string, id: string): Promise<Resource<A> | undefined> {
    let q = this.db.selectFrom('resources').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('id', '=', id);
    if (this.db.isTransaction && this.dialect !== 'sqlite') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && rowToResource(r);
  }

  async findMany<A = Record<string, unknown>>(projectId: string, region: string, ids: string[]): Promise<Resource<A>[]> {
    const out: Resource<A>[] = [];
    for (const part of chunks(ids)) {
      const rows = await this.db.selectFrom('resources').selectAll()
        .where('project_id', '=', projectId).where('region', '=', region).where('id', 'in', part).execute();
      out.push(...rows.map(rowToResource));
    }
    return out;
  }

  async byOsIds<A = Record<string, unknown>>(projectId: string, region: string, kind: Kind, osIds: string[]): Promise<Resource<A>[]> {
    const out: Resource<A>[] = [];
    for (const part of chunks(osIds)) {
      const rows = await this.db.selectFrom('resources').selectAll()
        .where('project_id', '=', projectId).where('region', '=', region).where('kind', '=', kind).where('os_id', 'in', part).execute();
      out.push(...rows.map(rowToResource));
    }
    return out;
  }

  async list<A = Record<string, unknown>>(projectId: string, region: string, kind: Kind): Promise<Resource<A>[]> {
    const rows = await this.db.selectFrom('resources').selectAll()
      .where('project_id', '=', projectId).where('region', '=', region).where('kind', '=', kind).orderBy('id').execute();
    return rows.map(rowToResource);
  }

  /**
   * Locks the rows of `ids` until the caller's transaction ends (SELECT … FOR UPDATE; SQLite's write transactions
   * are serialized already): concurrent read-check-write sequences on one object (e.g. blocks of one VPC) run one
   * after the other. Reads after it see what the transactions before it committed.
   */
  async lock(projectId: string, ids: string[]): Promise<void> {
    if (this.dialect === 'sqlite' || ids.length === 0) return;
    await this.db.selectFrom('resources').select('id').where('project_id', '=', projectId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
  }

  async updateAttrs(projectId: string, id: string, attrs: object): Promise<void> {
    await this.db.updateTable('resources').set({ attrs: JSON.stringify(attrs) })
      .where('project_id', '=', projectId).where('id', '=', id).execute();
  }

  /** Removes mappings and their tags, atomically. */
  async delete(projectId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      // Lock the resource rows first, in the same order as TagsRepo.put, so the two cannot deadlock.
      if (this.dialect !== 'sqlite') await trx.selectFrom('resources').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
      await trx.deleteFrom('tags').where('project_id', '=', projectId).where('resource_id', 'in', ids).execute();
      await trx.deleteFrom('resources').where('project_id', '=', projectId).where('id', 'in', ids).execute();
    });
  }
}
