/**
 * Nova: key pairs, availability zones, quotas. Microversion 2.35: key pair
 * `type` (2.2) and limit/marker on os-keypairs (2.35); the quota fields read
 * here and os-availability-zone are the same as in 2.1.
 */
import { checkQuery, pageOf } from '../paging.js';
import type { CloudContext, ComputeService } from '../provider.js';
import type { KeyPairRecord, ServerGroupRecord } from '../records.js';
import { collect, type ServiceCaller, type ServiceCall } from './catalog.js';
import { unimplemented } from '../unimplemented.js';

const NOVA_VERSION = '2.35';
/** os-server-groups from 2.64 on: one `policy` (not a `policies` list) and `rules`. */
const SERVER_GROUP_VERSION = '2.64';

interface NovaServerGroup { id: string; name: string; policy?: string; policies?: string[]; members?: string[]; project_id?: string }

const toGroupRecord = (g: NovaServerGroup, projectId: string): ServerGroupRecord => ({
  id: g.id, name: g.name, policy: (g.policy ?? g.policies?.[0] ?? 'anti-affinity') as ServerGroupRecord['policy'],
  memberIds: g.members ?? [], projectId: g.project_id ?? projectId,
});

interface NovaKeyPair { name: string; public_key: string; type?: string; created_at?: string }

const toRecord = (k: NovaKeyPair): KeyPairRecord => ({
  name: k.name, publicKey: k.public_key, type: k.type === 'x509' ? 'x509' : 'ssh',
  // Nova's timestamps are UTC without a zone.
  createdAt: k.created_at ? new Date(k.created_at.endsWith('Z') ? k.created_at : `${k.created_at}Z`) : undefined,
});

export function novaCompute(call: ServiceCaller): ComputeService {
  const nova = <T>(ctx: CloudContext, req: ServiceCall) =>
    call<T>(ctx, { ...req, headers: { 'openstack-api-version': `compute ${NOVA_VERSION}` } });

  const show = async (ctx: CloudContext, name: string) => {
    const res = await nova<{ keypair: NovaKeyPair }>(ctx, { method: 'GET', path: `/os-keypairs/${encodeURIComponent(name)}`, accept: [404] });
    return res.status === 404 ? undefined : res.body.keypair;
  };

  /** Nova clamps a page to its [api] max_limit and links the next one while pages are full. */
  const listFrom = (ctx: CloudContext, want: number, marker: string | undefined) =>
    collect(want, marker, async (limit, after) => {
      const params = new URLSearchParams();
      if (limit !== undefined) params.set('limit', String(limit));
      if (after !== undefined) params.set('marker', after);
      const res = await nova<{ keypairs: { keypair: NovaKeyPair }[]; keypairs_links?: { rel: string }[] }>(ctx, {
        method: 'GET', path: `/os-keypairs${params.size ? `?${params}` : ''}`,
      });
      return { items: res.body.keypairs.map((k) => toRecord(k.keypair)), more: !!res.body.keypairs_links?.some((l) => l.rel === 'next') };
    }, (k) => k.name);

  const groupsApi = <T>(ctx: CloudContext, req: ServiceCall) =>
    call<T>(ctx, { ...req, headers: { 'openstack-api-version': `compute ${SERVER_GROUP_VERSION}` } });

  return {
    async createServerGroup(ctx, group) {
      const res = await groupsApi<{ server_group: NovaServerGroup }>(ctx, {
        method: 'POST', path: '/os-server-groups', body: { server_group: { name: group.name, policy: group.policy } },
      });
      return toGroupRecord(res.body.server_group, ctx.projectId);
    },
    async getServerGroup(ctx, id) {
      const res = await groupsApi<{ server_group: NovaServerGroup }>(ctx, { method: 'GET', path: `/os-server-groups/${encodeURIComponent(id)}`, accept: [404] });
      if (res.status === 404) return undefined;
      const g = toGroupRecord(res.body.server_group, ctx.projectId);
      // An admin token sees every project's groups: answer only the caller's, as the local cloud does.
      return g.projectId === ctx.projectId ? g : undefined;
    },
    async listServerGroups(ctx) {
      // Nova pages os-server-groups with limit/offset (no marker); the caller's groups fit one page of max_limit.
      const all: ServerGroupRecord[] = [];
      for (let offset = 0; ; ) {
        const res = await groupsApi<{ server_groups: NovaServerGroup[] }>(ctx, { method: 'GET', path: `/os-server-groups?limit=1000&offset=${offset}` });
        all.push(...res.body.server_groups.map((g) => toGroupRecord(g, ctx.projectId)));
        if (res.body.server_groups.length < 1000) break;
        offset += res.body.server_groups.length;
      }
      return all.filter((g) => g.projectId === ctx.projectId).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    },
    async deleteServerGroup(ctx, id) {
      await groupsApi(ctx, { method: 'DELETE', path: `/os-server-groups/${encodeURIComponent(id)}` });
    },
    async listKeyPairs(ctx, query = {}) {
      checkQuery(query);
      if (query.ids?.length === 0) return { items: [] };
      const want = query.limit === undefined ? Number.POSITIVE_INFINITY : query.limit + 1;
      // Nova filters key pairs by nothing but user: for some names, list from the marker on and keep those.
      if (!query.ids) return pageOf(await listFrom(ctx, want, query.marker), query.limit, (k) => k.name);
      const names = new Set(query.ids);
      const found = (await listFrom(ctx, Number.POSITIVE_INFINITY, query.marker)).filter((k) => names.has(k.name));
      return pageOf(found.slice(0, want), query.limit, (k) => k.name);
    },
    async getKeyPair(ctx, name) {
      const k = await show(ctx, name);
      return k && toRecord(k);
    },
    async importKeyPair(ctx, name, publicKey) {
      const res = await nova<{ keypair: NovaKeyPair }>(ctx, { method: 'POST', path: '/os-keypairs', body: { keypair: { name, public_key: publicKey, type: 'ssh' } } });
      return toRecord({ ...res.body.keypair, created_at: res.body.keypair.created_at ?? new Date().toISOString() });
    },
    async deleteKeyPair(ctx, name) {
      await nova(ctx, { method: 'DELETE', path: `/os-keypairs/${encodeURIComponent(name)}` });
    },
    async listAvailabilityZones(ctx) {
      const res = await nova<{ availabilityZoneInfo: { zoneName: string; zoneState: { available: boolean } }[] }>(ctx, { method: 'GET', path: '/os-availability-zone' });
      return res.body.availabilityZoneInfo
        .filter((z) => z.zoneName !== 'internal')
        .map((z) => ({ name: z.zoneName, available: z.zoneState.available }));
    },
    async getQuotas(ctx) {
      const res = await nova<{ quota_set: { instances: number; cores: number; ram: number; key_pairs: number } }>(ctx, { method: 'GET', path: `/os-quota-sets/${ctx.projectId}` });
      const q = res.body.quota_set;
      return { instances: q.instances, cores: q.cores, ramMb: q.ram, keyPairs: q.key_pairs };
    },
    ...unimplemented('listFlavors', 'createServer', 'getServer', 'listServers', 'deleteServer', 'startServer', 'stopServer', 'rebootServer', 'resizeServer', 'updateServerMetadata', 'getConsoleOutput', 'getServerPassword', 'createServerImage', 'attachVolume', 'detachVolume'),
  };
}
