/**
 * Cloud objects ↔ EC2 ids, batched. A Describe that sees N objects the store has never seen (made outside
 * EC2, e.g. with the openstack CLI) makes one store write for all of them and no extra upstream call; the
 * mappings and the tags of all objects come in one read each.
 */
import type { ActionContext } from '../actions/context.js';
import type { Resource, Tag } from '../store/store.js';
import type { Kind } from './kinds.js';

export interface Mapped<R> { record: R; resource: Resource; tags: Tag[] }

export interface MapOptions<R> {
  osId(record: R): string;
  /** EC2-only attributes of an object seen for the first time; undefined leaves it out (EC2 cannot show it). */
  firstSight?(record: R): object | undefined;
  /**
   * Set when `records` is the backend's whole answer for a scope: every object of the kind (`osIds` absent) or
   * the objects asked for by backend id. Mappings in that scope whose object was not listed were deleted outside
   * EC2 and are forgotten with their tags. An object created while the listing ran has its mapping but was not
   * listed: `stillExists` asks the cloud before its mapping is forgotten.
   */
  authoritative?: { osIds?: string[]; stillExists(osId: string): Promise<boolean> };
}

export async function mapCloudObjects<R>(ctx: ActionContext, kind: Kind, records: R[], opts: MapOptions<R>): Promise<Mapped<R>[]> {
  const { resources, tags } = ctx.store;
  const listed = new Set(records.map(opts.osId));
  const scope = opts.authoritative;
  const mappings = scope && !scope.osIds
    ? await resources.list(ctx.projectId, ctx.region, kind)
    : await resources.byOsIds(ctx.projectId, ctx.region, kind, [...new Set([...listed, ...(scope?.osIds ?? [])])]);
  const known = new Map(mappings.map((r) => [r.osId, r]));
  if (scope) {
    const gone: string[] = [];
    for (const r of mappings) if (!listed.has(r.osId) && !(await scope.stillExists(r.osId))) gone.push(r.id);
    await resources.delete(ctx.projectId, gone);
  }
  const fresh: { osId: string; attrs: object }[] = [];
  for (const record of records) {
    const osId = opts.osId(record);
    if (known.has(osId)) continue;
    const attrs = opts.firstSight ? opts.firstSight(record) : {};
    if (attrs !== undefined) fresh.push({ osId, attrs });
  }
  if (fresh.length) for (const [osId, r] of await resources.mapNew(ctx.projectId, ctx.region, kind, fresh)) known.set(osId, r);
  const mapped = records.flatMap((record) => {
    const resource = known.get(opts.osId(record));
    return resource ? [{ record, resource }] : [];
  });
  const tagsById = await tags.of(ctx.projectId, mapped.map((m) => m.resource.id));
  return mapped.map((m) => ({ ...m, tags: tagsById.get(m.resource.id) ?? [] }));
}
