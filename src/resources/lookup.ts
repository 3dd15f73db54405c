/**
 * Resources named by the client, looked up in the store: a malformed id is the kind's Malformed error naming the
 * parameter, an id that is not this project's and region's is its NotFound (listing every missing id, as AWS).
 * Every action that takes an id goes through here, so no area hand-writes the check.
 */
import type { ActionContext } from '../actions/context.js';
import { ERRORS } from '../errors/catalog.js';
import type { Resource, Store, Tag } from '../store/store.js';
import { isValidId } from './ids.js';
import type { Kind } from './kinds.js';

/** The resource `id` of `kind`, given in parameter `param`. `store` is the caller's transaction, if any. */
export async function requireResource<A = Record<string, unknown>>(
  ctx: ActionContext, kind: Kind, id: string, param: string, store: Store = ctx.store,
): Promise<Resource<A>> {
  if (!isValidId(kind, id)) throw ERRORS.malformedId(kind, id, param);
  const found = await store.resources.find(ctx.projectId, ctx.region, id);
  if (found?.kind !== kind) throw ERRORS.idNotFound(kind, [id]);
  return found as Resource<A>;
}

/** Several resources of one kind, in the order given (duplicates once); `param` is the list's wire name (`GroupId`). */
export async function requireResources<A = Record<string, unknown>>(
  ctx: ActionContext, kind: Kind, ids: string[], param: string, store: Store = ctx.store,
): Promise<Resource<A>[]> {
  ids.forEach((id, i) => {
    if (!isValidId(kind, id)) throw ERRORS.malformedId(kind, id, `${param}.${i + 1}`);
  });
  const unique = [...new Set(ids)];
  const found = new Map((await store.resources.findMany(ctx.projectId, ctx.region, unique)).filter((r) => r.kind === kind).map((r) => [r.id, r]));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw ERRORS.idNotFound(kind, missing);
  return unique.map((id) => found.get(id) as Resource<A>);
}

/** Resources of `kind` whose attributes match `where` (e.g. the subnets of a VPC: `{ vpcId }`). */
export async function resourcesWhere<A = Record<string, unknown>>(
  ctx: ActionContext, kind: Kind, where: Partial<A>, store: Store = ctx.store,
): Promise<Resource<A>[]> {
  const all = (await store.resources.list(ctx.projectId, ctx.region, kind)) as Resource<A>[];
  const entries = Object.entries(where) as [keyof A, unknown][];
  return all.filter((r) => entries.every(([k, v]) => r.attrs[k] === v));
}

/** The store's objects of `kind` (those with `ids`, or all), with their tags: the source of a store-only Describe. */
export async function storedWithTags<A = Record<string, unknown>>(
  ctx: ActionContext, kind: Kind, ids?: string[],
): Promise<{ resource: Resource<A>; tags: Tag[] }[]> {
  const resources = (ids
    ? await ctx.store.resources.findMany<A>(ctx.projectId, ctx.region, ids)
    : await ctx.store.resources.list<A>(ctx.projectId, ctx.region, kind)).filter((r) => r.kind === kind);
  if (resources.length === 0) return [];
  const tags = await ctx.store.tags.of(ctx.projectId, resources.map((r) => r.id));
  return resources.map((resource) => ({ resource, tags: tags.get(resource.id) ?? [] }));
}
