/**
 * Neutron v2.0: networks, subnets, ports, routers (extraroute), floating IPs and
 * security groups, as the calling user. Lists ask for the caller's project only
 * (an admin would see every project's) and sort by id, so limit/marker page stably.
 * Neutron's error types become the provider's kinds (neutronError).
 */
import { isProviderError, ProviderError } from '../errors.js';
import { markerNotFound, pageOf, checkQuery } from '../paging.js';
import type { CloudContext, ListQuery, NetworkService, Page } from '../provider.js';
import type {
  FixedIpRequest, FloatingIpRecord, NetworkRecord, PortRecord, RouterRecord, SecurityGroupRecord, SecurityGroupRuleRecord, SubnetRecord,
} from '../records.js';
import { collect, type ServiceCall, type ServiceCaller } from './catalog.js';

interface NeutronNetwork { id: string; name: string; project_id: string; 'router:external'?: boolean; subnets: string[]; status: string; created_at?: string }
interface NeutronSubnet {
  id: string; name: string; project_id: string; network_id: string; cidr: string; ip_version: 4 | 6; gateway_ip: string | null;
  allocation_pools: { start: string; end: string }[]; dns_nameservers: string[]; host_routes: { destination: string; nexthop: string }[];
}
interface NeutronPort {
  id: string; name: string; project_id: string; network_id: string; mac_address: string; fixed_ips: { subnet_id: string; ip_address: string }[];
  security_groups: string[]; allowed_address_pairs?: { ip_address: string; mac_address?: string }[]; device_id: string; device_owner: string;
  description?: string; status: string; created_at?: string;
}
interface NeutronRouter {
  id: string; name: string; project_id: string; status: string; routes?: { destination: string; nexthop: string }[];
  external_gateway_info: { network_id: string; external_fixed_ips?: { subnet_id: string; ip_address: string }[] } | null;
}
interface NeutronFloatingIp {
  id: string; project_id: string; floating_ip_address: string; floating_network_id: string; port_id: string | null;
  fixed_ip_address: string | null; router_id: string | null; status: string; description?: string;
}
interface NeutronRule {
  id: string; security_group_id: string; direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null; remote_group_id: string | null; description?: string;
}
interface NeutronGroup { id: string; name: string; description: string; project_id: string; security_group_rules: NeutronRule[] }

const network = (n: NeutronNetwork): NetworkRecord => ({
  id: n.id, name: n.name, projectId: n.project_id, external: n['router:external'] === true, subnetIds: [...n.subnets].sort(), status: n.status,
  ...(n.created_at ? { createdAt: new Date(n.created_at) } : {}),
});
const subnet = (s: NeutronSubnet): SubnetRecord => ({
  id: s.id, name: s.name, projectId: s.project_id, networkId: s.network_id, cidr: s.cidr, ipVersion: s.ip_version, gatewayIp: s.gateway_ip,
  allocationPools: s.allocation_pools, dnsNameservers: s.dns_nameservers, hostRoutes: s.host_routes,
});
const port = (p: NeutronPort): PortRecord => ({
  id: p.id, name: p.name, projectId: p.project_id, networkId: p.network_id, macAddress: p.mac_address,
  fixedIps: p.fixed_ips.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })), securityGroupIds: p.security_groups,
  allowedAddressPairs: (p.allowed_address_pairs ?? []).map((a) => ({ ipAddress: a.ip_address, ...(a.mac_address ? { macAddress: a.mac_address } : {}) })),
  deviceId: p.device_id, deviceOwner: p.device_owner, description: p.description ?? '', status: p.status,
  ...(p.created_at ? { createdAt: new Date(p.created_at) } : {}),
});
const router = (r: NeutronRouter): RouterRecord => ({
  id: r.id, name: r.name, projectId: r.project_id, status: r.status, routes: r.routes ?? [],
  ...(r.external_gateway_info?.network_id ? { externalGateway: {
    networkId: r.external_gateway_info.network_id,
    externalFixedIps: (r.external_gateway_info.external_fixed_ips ?? []).map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
  } } : {}),
});
const floatingIp = (f: NeutronFloatingIp): FloatingIpRecord => ({
  id: f.id, projectId: f.project_id, floatingIpAddress: f.floating_ip_address, floatingNetworkId: f.floating_network_id, portId: f.port_id,
  fixedIpAddress: f.fixed_ip_address, routerId: f.router_id, status: f.status, description: f.description ?? '',
});
const rule = (r: NeutronRule): SecurityGroupRuleRecord => ({
  id: r.id, securityGroupId: r.security_group_id, direction: r.direction, ethertype: r.ethertype, protocol: r.protocol,
  portRangeMin: r.port_range_min, portRangeMax: r.port_range_max, remoteIpPrefix: r.remote_ip_prefix, remoteGroupId: r.remote_group_id,
  description: r.description ?? '',
});
const group = (g: NeutronGroup): SecurityGroupRecord => ({
  id: g.id, name: g.name, description: g.description, projectId: g.project_id,
  rules: g.security_group_rules.map(rule).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
});

const PAGE_SIZE = 500;

const IN_USE = new Set(['NetworkInUse', 'SubnetInUse', 'RouterInUse', 'SecurityGroupInUse', 'PortInUse', 'RouterInterfaceInUseByFloatingIP',
  'RouterExternalGatewayInUseByFloatingIp', 'RouterInterfaceInUseByRoute', 'L3PortInUse', 'ServicePortInUse', 'FloatingIPPortAlreadyAssociated']);
const EXHAUSTED = new Set(['IpAddressGenerationFailure', 'ExternalIpAddressExhausted']);
const CONFLICT = new Set(['IpAddressAlreadyAllocated', 'IpAddressInUse', 'SecurityGroupRuleExists', 'DuplicateSecurityGroupRule', 'MacAddressInUse']);

/** Neutron's error type (NeutronError.type) as a provider kind; the upstream status alone decides the rest. */
export function neutronError(e: unknown): unknown {
  if (!isProviderError(e) || !e.upstream?.body) return e;
  let type = '';
  try { type = String(JSON.parse(e.upstream.body)?.NeutronError?.type ?? ''); } catch { return e; }
  const kind = type === 'OverQuota' ? 'QuotaExceeded'
    : IN_USE.has(type) ? (type === 'FloatingIPPortAlreadyAssociated' ? 'Conflict' : 'InUse')
    : EXHAUSTED.has(type) ? 'IpAddressExhausted'
    : CONFLICT.has(type) ? 'Conflict'
    // A floating IP whose port no router connects to the external network: a request that cannot be met, not a missing object.
    : type === 'ExternalGatewayForFloatingIPNotFound' ? 'BadRequest'
    : e.kind;
  return kind === e.kind ? e : new ProviderError(kind, e.message, e.upstream);
}

const fixedIps = (list: FixedIpRequest[]) => list.map((f) => ({
  ...(f.subnetId !== undefined ? { subnet_id: f.subnetId } : {}), ...(f.ipAddress !== undefined ? { ip_address: f.ipAddress } : {}),
}));
const pairs = (list: { ipAddress: string; macAddress?: string }[]) =>
  list.map((p) => ({ ip_address: p.ipAddress, ...(p.macAddress ? { mac_address: p.macAddress } : {}) }));
const routes = (list: { destination: string; nexthop: string }[]) => list.map((r) => ({ destination: r.destination, nexthop: r.nexthop }));

export function neutronNetwork(call: ServiceCaller): NetworkService {
  const neutron = async <T>(ctx: CloudContext, req: ServiceCall) => {
    try {
      return await call<T>(ctx, req);
    } catch (e) {
      throw neutronError(e);
    }
  };
  /** One object, or undefined when Neutron does not show it or it is another project's. */
  const show = async <T extends { project_id: string }>(ctx: CloudContext, collection: string, key: string, id: string) => {
    const res = await neutron<Record<string, T>>(ctx, { method: 'GET', path: `/${collection}/${encodeURIComponent(id)}`, accept: [404] });
    const obj = res.status === 404 ? undefined : res.body[key];
    return obj && obj.project_id === ctx.projectId ? obj : undefined;
  };
  const create = async <T>(ctx: CloudContext, collection: string, key: string, body: object) =>
    (await neutron<Record<string, T>>(ctx, { method: 'POST', path: `/${collection}`, body: { [key]: body } })).body[key];
  const update = async <T>(ctx: CloudContext, collection: string, key: string, id: string, body: object) =>
    (await neutron<Record<string, T>>(ctx, { method: 'PUT', path: `/${collection}/${encodeURIComponent(id)}`, body: { [key]: body } })).body[key];
  const remove = async (ctx: CloudContext, collection: string, id: string) => {
    await neutron(ctx, { method: 'DELETE', path: `/${collection}/${encodeURIComponent(id)}` });
  };

  /** A list of the caller's objects in id order; `filters` are Neutron query parameters (repeated = alternatives). */
  const list = async <T extends { id: string }, R extends { id: string }>(
    ctx: CloudContext, collection: string, query: ListQuery<unknown>, filters: [string, string[] | undefined][], toRecord: (t: T) => R,
  ): Promise<Page<R>> => {
    checkQuery(query);
    if (query.ids?.length === 0 || filters.some(([, v]) => v?.length === 0)) return { items: [] };
    const base = new URLSearchParams([['project_id', ctx.projectId], ['sort_key', 'id'], ['sort_dir', 'asc']]);
    for (const id of query.ids ?? []) base.append('id', id);
    for (const [name, values] of filters) for (const v of values ?? []) base.append(name, v);
    const want = query.limit === undefined ? Number.POSITIVE_INFINITY : query.limit + 1;
    const key = collection.replace(/-/g, '_');
    // Neutron clamps pages to its pagination_max_limit and links the next one while they are full.
    const items = await collect(want, query.marker, async (limit, marker) => {
      const params = new URLSearchParams(base);
      // Always a limit: without one Neutron does not paginate and ignores the marker.
      params.set('limit', String(Math.min(limit ?? PAGE_SIZE, PAGE_SIZE)));
      if (marker !== undefined) params.set('marker', marker);
      const res = await neutron<Record<string, unknown>>(ctx, { method: 'GET', path: `/${collection}?${params}`, accept: [404] });
      if (res.status === 404) throw markerNotFound(marker ?? '');
      const links = res.body[`${key}_links`] as { rel: string }[] | undefined;
      return { items: (res.body[key] as T[]).map(toRecord), more: !!links?.some((l) => l.rel === 'next') };
    }, (r) => r.id);
    return pageOf(items, query.limit, (r) => r.id);
  };

  return {
    async getQuotas(ctx) {
      const res = await neutron<{ quota: Record<string, number> }>(ctx, { method: 'GET', path: `/quotas/${ctx.projectId}` });
      const q = res.body.quota;
      return {
        floatingIps: q.floatingip, securityGroups: q.security_group, securityGroupRules: q.security_group_rule, ports: q.port,
        networks: q.network, subnets: q.subnet, routers: q.router,
      };
    },

    async createNetwork(ctx, n) {
      return network(await create<NeutronNetwork>(ctx, 'networks', 'network', { name: n.name ?? '' }));
    },
    async getNetwork(ctx, id) {
      const n = await show<NeutronNetwork>(ctx, 'networks', 'network', id);
      return n && network(n);
    },
    listNetworks(ctx, query = {}) {
      return list(ctx, 'networks', query, [['name', query.filters?.name]], network);
    },
    deleteNetwork: (ctx, id) => remove(ctx, 'networks', id),
    async listExternalNetworks(ctx) {
      const res = await neutron<{ networks: NeutronNetwork[] }>(ctx, { method: 'GET', path: '/networks?router:external=true&sort_key=id&sort_dir=asc' });
      return res.body.networks.map(network);
    },

    async createSubnet(ctx, s) {
      return subnet(await create<NeutronSubnet>(ctx, 'subnets', 'subnet', {
        network_id: s.networkId, cidr: s.cidr, ip_version: s.ipVersion, name: s.name ?? '',
        ...(s.gatewayIp !== undefined ? { gateway_ip: s.gatewayIp } : {}),
        ...(s.allocationPools ? { allocation_pools: s.allocationPools.map((p) => ({ start: p.start, end: p.end })) } : {}),
        ...(s.dnsNameservers ? { dns_nameservers: s.dnsNameservers } : {}),
        ...(s.hostRoutes ? { host_routes: routes(s.hostRoutes) } : {}),
      }));
    },
    async getSubnet(ctx, id) {
      const s = await show<NeutronSubnet>(ctx, 'subnets', 'subnet', id);
      return s && subnet(s);
    },
    listSubnets(ctx, query = {}) {
      const f = query.filters ?? {};
      return list(ctx, 'subnets', query, [['network_id', f.networkId], ['cidr', f.cidr], ['name', f.name]], subnet);
    },
    async updateSubnet(ctx, id, u) {
      return subnet(await update<NeutronSubnet>(ctx, 'subnets', 'subnet', id, {
        ...(u.name !== undefined ? { name: u.name } : {}),
        ...(u.gatewayIp !== undefined ? { gateway_ip: u.gatewayIp } : {}),
        ...(u.allocationPools ? { allocation_pools: u.allocationPools.map((p) => ({ start: p.start, end: p.end })) } : {}),
        ...(u.dnsNameservers ? { dns_nameservers: u.dnsNameservers } : {}),
        ...(u.hostRoutes ? { host_routes: routes(u.hostRoutes) } : {}),
      }));
    },
    deleteSubnet: (ctx, id) => remove(ctx, 'subnets', id),

    async createPort(ctx, p) {
      return port(await create<NeutronPort>(ctx, 'ports', 'port', {
        network_id: p.networkId, name: p.name ?? '', security_groups: p.securityGroupIds ?? [],
        ...(p.fixedIps ? { fixed_ips: fixedIps(p.fixedIps) } : {}),
        ...(p.allowedAddressPairs ? { allowed_address_pairs: pairs(p.allowedAddressPairs) } : {}),
        ...(p.deviceId !== undefined ? { device_id: p.deviceId } : {}),
        ...(p.deviceOwner !== undefined ? { device_owner: p.deviceOwner } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
      }));
    },
    async getPort(ctx, id) {
      const p = await show<NeutronPort>(ctx, 'ports', 'port', id);
      return p && port(p);
    },
    listPorts(ctx, query = {}) {
      const f = query.filters ?? {};
      return list(ctx, 'ports', query, [
        ['network_id', f.networkId], ['device_id', f.deviceId], ['device_owner', f.deviceOwner],
        ['fixed_ips', f.subnetId?.map((s) => `subnet_id=${s}`)], ['fixed_ips', f.ipAddress?.map((a) => `ip_address=${a}`)],
      ], port);
    },
    async updatePort(ctx, id, u) {
      return port(await update<NeutronPort>(ctx, 'ports', 'port', id, {
        ...(u.name !== undefined ? { name: u.name } : {}),
        ...(u.fixedIps ? { fixed_ips: fixedIps(u.fixedIps) } : {}),
        ...(u.securityGroupIds ? { security_groups: u.securityGroupIds } : {}),
        ...(u.allowedAddressPairs ? { allowed_address_pairs: pairs(u.allowedAddressPairs) } : {}),
        ...(u.deviceId !== undefined ? { device_id: u.deviceId } : {}),
        ...(u.deviceOwner !== undefined ? { device_owner: u.deviceOwner } : {}),
        ...(u.description !== undefined ? { description: u.description } : {}),
      }));
    },
    deletePort: (ctx, id) => remove(ctx, 'ports', id),

    async createRouter(ctx, r) {
      return router(await create<NeutronRouter>(ctx, 'routers', 'router', { name: r.name ?? '' }));
    },
    async getRouter(ctx, id) {
      const r = await show<NeutronRouter>(ctx, 'routers', 'router', id);
      return r && router(r);
    },
    listRouters(ctx, query = {}) {
      return list(ctx, 'routers', query, [['name', query.filters?.name]], router);
    },
    deleteRouter: (ctx, id) => remove(ctx, 'routers', id),
    async addRouterInterface(ctx, routerId, subnetId) {
      const res = await neutron<{ port_id: string }>(ctx, { method: 'PUT', path: `/routers/${encodeURIComponent(routerId)}/add_router_interface`, body: { subnet_id: subnetId } });
      return { routerId, subnetId, portId: res.body.port_id };
    },
    async removeRouterInterface(ctx, routerId, subnetId) {
      const res = await neutron<{ port_id: string }>(ctx, { method: 'PUT', path: `/routers/${encodeURIComponent(routerId)}/remove_router_interface`, body: { subnet_id: subnetId } });
      return { routerId, subnetId, portId: res.body.port_id };
    },
    async setRouterGateway(ctx, routerId, networkId) {
      return router(await update<NeutronRouter>(ctx, 'routers', 'router', routerId, { external_gateway_info: networkId === null ? {} : { network_id: networkId } }));
    },
    async setRouterRoutes(ctx, routerId, list) {
      return router(await update<NeutronRouter>(ctx, 'routers', 'router', routerId, { routes: routes(list) }));
    },

    async createFloatingIp(ctx, f) {
      return floatingIp(await create<NeutronFloatingIp>(ctx, 'floatingips', 'floatingip', {
        floating_network_id: f.floatingNetworkId,
        ...(f.floatingIpAddress !== undefined ? { floating_ip_address: f.floatingIpAddress } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
      }));
    },
    async getFloatingIp(ctx, id) {
      const f = await show<NeutronFloatingIp>(ctx, 'floatingips', 'floatingip', id);
      return f && floatingIp(f);
    },
    listFloatingIps(ctx, query = {}) {
      const f = query.filters ?? {};
      return list(ctx, 'floatingips', query, [
        ['port_id', f.portId], ['floating_ip_address', f.floatingIpAddress], ['floating_network_id', f.floatingNetworkId],
      ], floatingIp);
    },
    async updateFloatingIp(ctx, id, a) {
      return floatingIp(await update<NeutronFloatingIp>(ctx, 'floatingips', 'floatingip', id, {
        port_id: a.portId, ...(a.portId !== null && a.fixedIpAddress !== undefined ? { fixed_ip_address: a.fixedIpAddress } : {}),
      }));
    },
    deleteFloatingIp: (ctx, id) => remove(ctx, 'floatingips', id),

    async createSecurityGroup(ctx, g) {
      return group(await create<NeutronGroup>(ctx, 'security-groups', 'security_group', { name: g.name, description: g.description ?? '' }));
    },
    async getSecurityGroup(ctx, id) {
      const g = await show<NeutronGroup>(ctx, 'security-groups', 'security_group', id);
      return g && group(g);
    },
    listSecurityGroups(ctx, query = {}) {
      return list(ctx, 'security-groups', query, [['name', query.filters?.name]], group);
    },
    deleteSecurityGroup: (ctx, id) => remove(ctx, 'security-groups', id),
    async createSecurityGroupRule(ctx, r) {
      return rule(await create<NeutronRule>(ctx, 'security-group-rules', 'security_group_rule', {
        security_group_id: r.securityGroupId, direction: r.direction, ethertype: r.ethertype,
        ...(r.protocol != null ? { protocol: r.protocol } : {}),
        ...(r.portRangeMin != null ? { port_range_min: r.portRangeMin } : {}),
        ...(r.portRangeMax != null ? { port_range_max: r.portRangeMax } : {}),
        ...(r.remoteIpPrefix != null ? { remote_ip_prefix: r.remoteIpPrefix } : {}),
        ...(r.remoteGroupId != null ? { remote_group_id: r.remoteGroupId } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
      }));
    },
    listSecurityGroupRules(ctx, query = {}) {
      const f = query.filters ?? {};
      return list(ctx, 'security-group-rules', query, [['security_group_id', f.securityGroupId], ['direction', f.direction]], rule);
    },
    deleteSecurityGroupRule: (ctx, id) => remove(ctx, 'security-group-rules', id),
  };
}
