/**
 * The embedded cloud's Neutron: networks and subnets here; ports (and address allocation)
 * in network-ports.ts, routers and floating IPs in network-routers.ts, security groups in
 * security-groups.ts. Everything lives per project and region in the local_* tables.
 */
import type { Config } from '../../config/config.js';
import { ProviderError } from '../errors.js';
import type { CloudContext, NetworkService } from '../provider.js';
import type { AllocationPool, HostRoute, NetworkRecord, NewSubnet, SubnetRecord, SubnetUpdate } from '../records.js';
import { type Cidr, canonicalIp, formatCidr, inCidr, ipText, parseCidr, parseIp } from '../../kit/ip.js';
import { localPorts } from './network-ports.js';
import { localRouters } from './network-routers.js';
import {
  badRequest, countOf, type Db, inUse, LOCAL_NETWORK_QUOTAS, newId, notFound, now, pageById, publicPoolOf, scopeOf, subnetRecord,
} from './network-shared.js';
import { localSecurityGroups } from './security-groups.js';

export function localNetwork(db: Db, config: Config): NetworkService {
  const publicPool = publicPoolOf(config);
  const networks = (ctx: CloudContext) => db.selectFrom('local_networks').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);
  const subnets = (ctx: CloudContext) => db.selectFrom('local_subnets').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);

  const networkRecords = async (rows: { id: string; name: string; project_id: string; created_at: string }[]): Promise<NetworkRecord[]> => {
    if (rows.length === 0) return [];
    const subs = await db.selectFrom('local_subnets').select(['id', 'network_id']).where('network_id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, name: r.name, projectId: r.project_id, external: false, status: 'ACTIVE', createdAt: new Date(r.created_at),
      subnetIds: subs.filter((s) => s.network_id === r.id).map((s) => s.id),
    }));
  };

  const getSubnetRow = async (ctx: CloudContext, id: string) => {
    const r = await subnets(ctx).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('Subnet', id);
    return r;
  };

  return {
    async getQuotas() {
      const { networks: n, subnets: s, routers, securityGroups, securityGroupRules, ports } = LOCAL_NETWORK_QUOTAS;
      return { floatingIps: config.local.max_elastic_ips, securityGroups, securityGroupRules, ports, networks: n, subnets: s, routers };
    },

    async createNetwork(ctx, network) {
      if (await countOf(db, 'local_networks', ctx) >= LOCAL_NETWORK_QUOTAS.networks) throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'network\'].');
      const row = { id: newId(), ...scopeOf(ctx), name: network.name ?? '', created_at: now() };
      await db.insertInto('local_networks').values(row).execute();
      return (await networkRecords([row]))[0];
    },
    async getNetwork(ctx, id) {
      const r = await networks(ctx).where('id', '=', id).executeTakeFirst();
      return r && (await networkRecords([r]))[0];
    },
    listNetworks(ctx, query = {}) {
      return pageById(query, async (id) => !!(await networks(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = networks(ctx);
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (query.filters?.name) q = q.where('name', 'in', query.filters.name);
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return networkRecords(await q.execute());
      });
    },
    async deleteNetwork(ctx, id) {
      if (!(await networks(ctx).where('id', '=', id).executeTakeFirst())) throw notFound('Network', id);
      await db.transaction().execute(async (trx) => {
        const port = await trx.selectFrom('local_ports').select('id').where('network_id', '=', id).executeTakeFirst();
        if (port) throw inUse(`Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`);
        await trx.deleteFrom('local_subnets').where('network_id', '=', id).execute();
        await trx.deleteFrom('local_networks').where('id', '=', id).execute();
      });
    },
    async listExternalNetworks(ctx) {
      return [publicPool(ctx.region).network];
    },

    async createSubnet(ctx, subnet) {
      if (!(await networks(ctx).where('id', '=', subnet.networkId).executeTakeFirst())) throw notFound('Network', subnet.networkId);
      if (await countOf(db, 'local_subnets', ctx) >= LOCAL_NETWORK_QUOTAS.subnets) throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'subnet\'].');
      const cidr = parseCidr(subnet.cidr);
      if (!cidr) throw badRequest(`Invalid input for cidr: '${subnet.cidr}' is not a valid IP subnet (or has host bits set).`);
      if (cidr.version !== subnet.ipVersion) throw badRequest(`Invalid input for operation: cidr ${subnet.cidr} is not an IPv${subnet.ipVersion} block.`);
      // Neutron refuses overlapping subnets on one network.
      for (const other of await subnets(ctx).where('network_id', '=', subnet.networkId).execute()) {
        const o = parseCidr(other.cidr);
        if (o && o.version === cidr.version && o.network <= cidr.last && cidr.network <= o.last) {
          throw badRequest(`Invalid input for operation: Requested subnet with cidr: ${subnet.cidr} overlaps with another subnet.`);
        }
      }
      const settings = checkSubnetSettings(cidr, subnet, undefined);
      const row = {
        id: newId(), ...scopeOf(ctx), network_id: subnet.networkId, name: subnet.name ?? '', cidr: formatCidr(cidr), ip_version: cidr.version,
        gateway_ip: settings.gatewayIp, allocation_pools: JSON.stringify(settings.allocationPools),
        dns_nameservers: JSON.stringify(settings.dnsNameservers), host_routes: JSON.stringify(settings.hostRoutes), created_at: now(),
      };
      await db.insertInto('local_subnets').values(row).execute();
      return subnetRecord(row);
    },
    async getSubnet(ctx, id) {
      const r = await subnets(ctx).where('id', '=', id).executeTakeFirst();
      return r && subnetRecord(r);
    },
    listSubnets(ctx, query = {}) {
      return pageById(query, async (id) => !!(await subnets(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = subnets(ctx);
        const f = query.filters ?? {};
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (f.networkId) q = q.where('network_id', 'in', f.networkId);
        if (f.name) q = q.where('name', 'in', f.name);
        if (f.cidr) q = q.where('cidr', 'in', f.cidr.map((c) => { const p = parseCidr(c); return p ? formatCidr(p) : c; }));
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return (await q.execute()).map(subnetRecord);
      });
    },
    async updateSubnet(ctx, id, update) {
      const row = await getSubnetRow(ctx, id);
      const current = subnetRecord(row);
      const cidr = parseCidr(row.cidr) as Cidr;
      const settings = checkSubnetSettings(cidr, { ...current, ...update }, current);
      await db.updateTable('local_subnets').set({
        name: update.name ?? row.name, gateway_ip: settings.gatewayIp, allocation_pools: JSON.stringify(settings.allocationPools),
        dns_nameservers: JSON.stringify(settings.dnsNameservers), host_routes: JSON.stringify(settings.hostRoutes),
      }).where('id', '=', id).execute();
      return subnetRecord(await getSubnetRow(ctx, id));
    },
    async deleteSubnet(ctx, id) {
      await getSubnetRow(ctx, id);
      await db.transaction().execute(async (trx) => {
        const used = await trx.selectFrom('local_port_ips').select('port_id').where('subnet_id', '=', id).executeTakeFirst();
        if (used) throw inUse(`Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`);
        await trx.deleteFrom('local_subnets').where('id', '=', id).execute();
      });
    },

    ...localPorts(db),
    ...localRouters(db, publicPool, config.local.max_elastic_ips),
    ...localSecurityGroups(db),
  };
}

/** Gateway, pools, name servers and host routes of a subnet, checked as Neutron does; defaults as Neutron's. */
function checkSubnetSettings(cidr: Cidr, s: Omit<NewSubnet, 'networkId' | 'cidr' | 'ipVersion'> | SubnetUpdate, current: SubnetRecord | undefined) {
  const v = cidr.version;
  const addr = (text: string, what: string) => {
    const ip = parseIp(text);
    if (!ip || ip.version !== v) throw badRequest(`Invalid input for ${what}: '${text}' is not a valid IPv${v} address.`);
    return ip;
  };
  let gatewayIp: string | null;
  // Neutron's default gateway: the first host of an IPv4 block, the subnet-router anycast address (the block's own) of an IPv6 one.
  if (s.gatewayIp === undefined) gatewayIp = current ? current.gatewayIp : ipText(v, v === 4 ? cidr.network + 1n : cidr.network);
  else if (s.gatewayIp === null) gatewayIp = null;
  else {
    const gw = addr(s.gatewayIp, 'gateway_ip');
    if (!inCidr(cidr, gw) || (v === 4 && (gw.value === cidr.network || gw.value === cidr.last))) {
      throw badRequest(`Invalid input for operation: Gateway IP ${s.gatewayIp} is not a usable address of ${formatCidr(cidr)}.`);
    }
    gatewayIp = ipText(v, gw.value);
  }
  const gwValue = gatewayIp === null ? undefined : parseIp(gatewayIp)?.value;
  let pools: AllocationPool[];
  if (s.allocationPools !== undefined) {
    const ranges = s.allocationPools.map((p) => {
      const start = addr(p.start, 'allocation_pools');
      const end = addr(p.end, 'allocation_pools');
      if (!inCidr(cidr, start) || !inCidr(cidr, end) || start.value > end.value) {
        throw badRequest(`The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${formatCidr(cidr)}.`);
      }
      if (gwValue !== undefined && gwValue >= start.value && gwValue <= end.value) {
        throw badRequest(`Gateway ip ${gatewayIp} conflicts with allocation pool ${p.start}-${p.end}.`);
      }
      return { start: start.value, end: end.value };
    }).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    ranges.forEach((r, i) => {
      if (i > 0 && r.start <= ranges[i - 1].end) throw badRequest('Found overlapping allocation pools.');
    });
    pools = ranges.map((r) => ({ start: ipText(v, r.start), end: ipText(v, r.end) }));
  } else if (current && s.gatewayIp === undefined) {
    pools = current.allocationPools;
  } else {
    // Neutron's default: the whole block but the network address, the broadcast (IPv4) and the gateway.
    const first = cidr.network + 1n;
    const last = v === 4 ? cidr.last - 1n : cidr.last;
    const ranges = gwValue === undefined || gwValue < first || gwValue > last
      ? [[first, last]]
      : [[first, gwValue - 1n], [gwValue + 1n, last]];
    pools = ranges.filter(([a, b]) => a <= b).map(([a, b]) => ({ start: ipText(v, a), end: ipText(v, b) }));
  }
  const dnsNameservers = (s.dnsNameservers ?? current?.dnsNameservers ?? []).map((d) => {
    const c = canonicalIp(d);
    if (!c) throw badRequest(`Invalid input for dns_nameservers: '${d}' is not a valid nameserver.`);
    return c;
  });
  const hostRoutes: HostRoute[] = (s.hostRoutes ?? current?.hostRoutes ?? []).map((r) => {
    const dest = parseCidr(r.destination);
    const hop = canonicalIp(r.nexthop);
    if (!dest || !hop || dest.version !== v || parseIp(hop)?.version !== v) {
      throw badRequest(`Invalid input for host_routes: ${JSON.stringify(r)} is not a valid route.`);
    }
    return { destination: formatCidr(dest), nexthop: hop };
  });
  return { gatewayIp, allocationPools: pools, dnsNameservers, hostRoutes };
}
