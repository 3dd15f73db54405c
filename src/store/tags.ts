/**
 * Tags of EC2 resources. Limits are checked under row locks, so concurrent writers cannot push a resource past
 * them together; DescribeTags filters and pages here, in SQL, so its cost follows the page, not the project.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Kind } from '../resources/kinds.js';
import type { DialectName } from './db.js';
import type { Database } from './schema.js';
import { inTransaction, matchesWildcard } from './sql.js';

export interface Tag { Key: string; Value: string }
export interface TagRow { resourceId: string; kind: Kind; key: string; value: string }

/** A DescribeTags query: each filter is a column and the patterns it may match (OR); filters AND together. */
export interface TagQuery {
  /** Each entry: the column matches one of the EC2 patterns (OR); entries AND together. */
  match?: { column: 'key' | 'value' | 'resource_id'; patterns: string[] }[];
  /** Only resources of these kinds (the resource-type filter, resolved through the registry). */
  kinds?: Kind[];
  /** tag:Key filters: the row's key is Key and its value matches one of the patterns. */
  tagFilters?: { key: string; values: string[] }[];
  /** Rows after this (resource id, key), in (resource id, key) order. */
  after?: { resourceId: string; key: string };
  limit?: number;
}

export class TagsRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: DialectName) {}

  async of(projectId: string, resourceIds: string[]): Promise<Map<string, Tag[]>> {
    const out = new Map<string, Tag[]>(resourceIds.map((id) => [id, []]));
    if (resourceIds.length === 0) return out;
    const rows = await this.db.selectFrom('tags').select(['resource_id', 'key', 'value'])
      .where('project_id', '=', projectId).where('resource_id', 'in', resourceIds).orderBy('resource_id').orderBy('key').execute();
    for (const r of rows) out.get(r.resource_id)?.push({ Key: r.key, Value: r.value });
    return out;
  }

  async describe(projectId: string, region: string, q: TagQuery): Promise<TagRow[]> {
    type EB = ExpressionBuilder<Database, 'tags' | 'resources'>;
    const anyOf = (eb: EB, column: string, patterns: string[]) =>
      eb.or(patterns.map((p) => matchesWildcard(this.dialect, column, p)));
    let query = this.db.selectFrom('tags').innerJoin('resources', (j) =>
      j.onRef('resources.id', '=', 'tags.resource_id').onRef('resources.project_id', '=', 'tags.project_id'))
      .select(['tags.resource_id', 'resources.kind', 'tags.key', 'tags.value'])
      .where('tags.project_id', '=', projectId).where('resources.region', '=', region);
    for (const m of q.match ?? []) query = query.where((eb) => anyOf(eb, `tags.${m.column}`, m.patterns));
    if (q.kinds) {
      if (q.kinds.length === 0) return [];
      query = query.where('resources.kind', 'in', q.kinds);
    }
    for (const f of q.tagFilters ?? []) {
      query = query.where('tags.key', '=', f.key).where((eb) => anyOf(eb, 'tags.value', f.values));
    }
    const after = q.after;
    if (after) {
      query = query.where((eb) => eb.or([
        eb('tags.resource_id', '>', after.resourceId),
        eb.and([eb('tags.resource_id', '=', after.resourceId), eb('tags.key', '>', after.key)]),
      ]));
    }
    query = query.orderBy('tags.resource_id').orderBy('tags.key');
    if (q.limit !== undefined) query = query.limit(q.limit);
    const rows = await query.execute();
    return rows.map((r) => ({ resourceId: r.resource_id, kind: r.kind as Kind, key: r.key, value: r.value }));
  }

  /**
   * Adds or overwrites tags on resources, in one transaction; `limit` is checked inside it.
   * Nothing is written when a resource would exceed the limit (`over`) or no longer exists (`missing`).
   */
  async put(projectId: string, resourceIds: string[], tags: Tag[], limit: number): Promise<{ over?: string; missing?: string }> {
    if (resourceIds.length === 0 || tags.length === 0) return {};
    return inTransaction(this.db, async (trx) => {
      // Lock the resources' rows (tag rows may not exist yet, so they cannot be locked), in id order.
      // SQLite serializes writers already and has no FOR UPDATE.
      const ids = [...new Set(resourceIds)].sort();
      const found = await trx.selectFrom('resources').select('id').where('project_id', '=', projectId).where('id', 'in', ids)
        .orderBy('id').$if(this.dialect !== 'sqlite', (q) => q.forUpdate()).execute();
      const present = new Set(found.map((r) => r.id));
      const missing = ids.find((id) => !present.has(id));
      if (missing) return { missing };
      const existing = await trx.selectFrom('tags').select(['resource_id', 'key'])
        .where('project_id', '=', projectId).where('resource_id', 'in', ids).execute();
      for (const id of ids) {
        const keys = new Set(existing.filter((r) => r.resource_id === id).map((r) => r.key));
        for (const t of tags) keys.add(t.Key);
        if (keys.size > limit) return { over: id };
      }
      const rows = ids.flatMap((id) => tags.map((t) => ({ project_id: projectId, resource_id: id, key: t.Key, value: t.Value })));
      if (this.dialect === 'mysql') {
        await trx.insertInto('tags').values(rows).onDuplicateKeyUpdate({ value: sql`VALUES(value)` }).execute();
      } else {
        await trx.insertInto('tags').values(rows)
          .onConflict((oc) => oc.columns(['project_id', 'resource_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
          .execute();
      }
      return {};
    });
  }

  /** Deletes tags: a tag with no Value deletes the key whatever its value; with a Value, only on a match; no tags: all. */
  async delete(projectId: string, resourceIds: string[], tags: { Key: string; Value?: string }[] | undefined): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const base = () => trx.deleteFrom('tags').where('project_id', '=', projectId).where('resource_id', 'in', resourceIds);
      if (!tags) {
        await base().execute();
        return;
      }
      for (const t of tags) {
        let q = base().where('key', '=', t.Key);
        if (t.Value !== undefined) q = q.where('value', '=', t.Value);
        await q.execute();
      }
    });
  }
}
