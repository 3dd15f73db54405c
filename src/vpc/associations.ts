/**
 * What a deleted subnet leaves in the store-only kinds: its explicit route table association and its explicit
 * network ACL association go with it, as in AWS (DeleteSubnet calls this in its transaction).
 */
import type { Store } from '../store/store.js';
import type { NetworkAclAttrs, RouteTableAttrs } from './model.js';

export async function dropSubnetAssociations(store: Store, projectId: string, region: string, subnetId: string): Promise<void> {
  for (const t of await store.resources.list<RouteTableAttrs>(projectId, region, 'route-table')) {
    if (!t.attrs.associations.some((a) => a.subnetId === subnetId)) continue;
    await store.resources.updateAttrs(projectId, t.id, { ...t.attrs, associations: t.attrs.associations.filter((a) => a.subnetId !== subnetId) } satisfies RouteTableAttrs);
  }
  for (const acl of await store.resources.list<NetworkAclAttrs>(projectId, region, 'network-acl')) {
    if (!acl.attrs.associations.some((a) => a.subnetId === subnetId)) continue;
    await store.resources.updateAttrs(projectId, acl.id, { ...acl.attrs, associations: acl.attrs.associations.filter((a) => a.subnetId !== subnetId) } satisfies NetworkAclAttrs);
  }
}
