/**
 * Store-only kinds of the VPC API (route tables, internet gateways, DHCP option sets, network ACLs) as their
 * Describes see them: the resource, its tags and the caller's owner id (for `owner-id` filters). One store read
 * for the resources and one for their tags, whatever their number; no upstream call.
 */
import type { ActionContext } from '../actions/context.js';
import type { Kind } from '../resources/kinds.js';
import type { Resource, Tag } from '../store/store.js';

export interface OwnView<A> { resource: Resource<A>; tags: Tag[]; ownerId: string }

/** The project's objects of `kind` in the region, or those of `ids` that exist (other kinds left out). */
export async function loadOwnViews<A>(ctx: ActionContext, kind: Kind, ids?: string[]): Promise<OwnView<A>[]> {
  const resources = (ids
    ? await ctx.store.resources.findMany<A>(ctx.projectId, ctx.region, ids)
    : await ctx.store.resources.list<A>(ctx.projectId, ctx.region, kind)).filter((r) => r.kind === kind);
  const tags = await ctx.store.tags.of(ctx.projectId, resources.map((r) => r.id));
  return resources.map((resource) => ({ resource, tags: tags.get(resource.id) ?? [], ownerId: ctx.principal.ownerId }));
}
