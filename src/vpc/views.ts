/**
 * Store-only kinds of the VPC API (route tables, internet gateways, DHCP option sets, network ACLs) as their
 * Describes see them: the stored object, its tags and the caller's owner id (what `owner-id` filters match).
 */
import type { ActionContext } from '../actions/context.js';
import type { Kind } from '../resources/kinds.js';
import { storedWithTags } from '../resources/lookup.js';
import type { Resource, Tag } from '../store/store.js';

export interface OwnView<A> { resource: Resource<A>; tags: Tag[]; ownerId: string }

export async function loadOwnViews<A>(ctx: ActionContext, kind: Kind, ids?: string[]): Promise<OwnView<A>[]> {
  return (await storedWithTags<A>(ctx, kind, ids)).map((v) => ({ ...v, ownerId: ctx.principal.ownerId }));
}
