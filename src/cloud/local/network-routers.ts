/**
 * The embedded cloud's Neutron routers (interfaces are ports of the router, extra routes,
 * an external gateway on the public pool) and floating IPs. Public addresses, of floating
 * IPs and of router gateways alike, are rows of local_floating_ips, unique per region.
 */
import { randomInt } from 'node:crypto';
import { isUniqueViolation } from '../../store/sql.js';
import { ProviderError } from '../errors.js';
import type { CloudContext, NetworkService } from '../provider.js';
import type { FloatingIpRecord, HostRoute, RouterRecord } from '../records.js';
import { canonicalIp, formatCidr, inCidr, ipText, parseCidr, parseIp } from '../../kit/ip.js';
import { createRouterPort } from './network-ports.js';
import {
  badRequest, countOf, type Db, inUse, LOCAL_NETWORK_QUOTAS, newId, notFound, now, pageById, type PublicPool, ROUTER_INTERFACE, retryingRaces, scopeOf,
} from './network-shared.js';
import type { LocalFloatingIpsTable, LocalRoutersTable } from './schema.js';

type RouterPart = Pick<NetworkService,
  'createRouter' | 'getRouter' | 'listRouters' | 'deleteRouter' | 'addRouterInterface' | 'removeRouterInterface' | 'setRouterGateway'
  | 'setRouterRoutes' | 'createFloatingIp' | 'getFloatingIp' | 'listFloatingIps' | 'updateFloatingIp' | 'deleteFloatingIp'>;

const fipRecord = (r: LocalFloatingIpsTable): FloatingIpRecord => ({
  id: r.id, projectId: r.project_id, floatingIpAddress: r.address, floatingNetworkId: r.network_id, portId: r.port_id,
  fixedIpAddress: r.fixed_ip_address, routerId: r.router_id, status: r.port_id ? 'ACTIVE' : 'DOWN', description: r.description,
});

export function localRouters(db: Db, publicPool: (region: string) => PublicPool, maxFloatingIps: number): RouterPart {
  const routers = (ctx: CloudContext) => db.selectFrom('local_routers').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);
  const fips = (ctx: CloudContext) => db.selectFrom('local_floating_ips').selectAll()
    .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).where('kind', '=', 'floatingip');

  const routerRecords = async (rows: LocalRoutersTable[]): Promise<RouterRecord[]> => {
    if (rows.length === 0) return [];
    const gws = await db.selectFrom('local_floating_ips').selectAll().where('kind', '=', 'gateway').where('router_id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((r) => {
      const gw = gws.find((g) => g.router_id === r.id);
      const subnetId = publicPool(r.region).subnet.id;
      return {
        id: r.id, name: r.name, projectId: r.project_id, routes: JSON.parse(r.routes), status: 'ACTIVE',
        ...(r.gateway_network_id ? { externalGateway: { networkId: r.gateway_network_id, externalFixedIps: gw ? [{ subnetId, ipAddress: gw.address }] : [] } } : {}),
      };
    });
  };

  const getRow = async (ctx: CloudContext, id: string) => {
    const r = await routers(ctx).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('Router', id);
    return r;
  };
  const record = async (ctx: CloudContext, id: string) => (await routerRecords([await getRow(ctx, id)]))[0];

  /** Router interface ports with their addresses. */
  const interfaces = (routerId: string) => db.selectFrom('local_ports')
    .innerJoin('local_port_ips', 'local_port_ips.port_id', 'local_ports.id')
    .select(['local_ports.id as portId', 'local_port_ips.subnet_id as subnetId', 'local_port_ips.ip_address as ipAddress'])
    .where('local_ports.device_id', '=', routerId).where('local_ports.device_owner', '=', ROUTER_INTERFACE).execute();

  /** Inserts a public address of the region's pool (random among the free ones, or the one asked for). */
  const takePublic = (ctx: CloudContext, row: Omit<LocalFloatingIpsTable, 'address'>, wanted?: string) => {
    const pool = publicPool(ctx.region);
    return retryingRaces(40, async () => {
      let address = wanted;
      if (address === undefined) {
        const used = new Set((await db.selectFrom('local_floating_ips').select('address').where('region', '=', ctx.region).execute()).map((r) => r.address));
        const start = parseIp(pool.subnet.allocationPools[0].start)?.value ?? 0n;
        const end = parseIp(pool.subnet.allocationPools[0].end)?.value ?? 0n;
        const free: string[] = [];
        for (let v = start; v <= end && free.length < 64; v++) if (!used.has(ipText(4, v))) free.push(ipText(4, v));
        if (free.length === 0) throw new ProviderError('IpAddressExhausted', `No more IP addresses available on network ${pool.network.id}.`);
        address = free[randomInt(free.length)];
      }
      try {
        await db.insertInto('local_floating_ips').values({ ...row, address }).execute();
      } catch (e) {
        if (wanted !== undefined && isUniqueViolation(e)) throw new ProviderError('Conflict', `IP address ${wanted} already allocated in subnet ${pool.subnet.id}`);
        throw e;
      }
      return address;
    });
  };

  return {
    async createRouter(ctx, router) {
      if (await countOf(db, 'local_routers', ctx) >= LOCAL_NETWORK_QUOTAS.routers) throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'router\'].');
      const row = { id: newId(), ...scopeOf(ctx), name: router.name ?? '', gateway_network_id: null, routes: '[]', created_at: now() };
      await db.insertInto('local_routers').values(row).execute();
      return (await routerRecords([row]))[0];
    },
    async getRouter(ctx, id) {
      const r = await routers(ctx).where('id', '=', id).executeTakeFirst();
      return r && (await routerRecords([r]))[0];
    },
    listRouters(ctx, query = {}) {
      return pageById(query, async (id) => !!(await routers(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = routers(ctx);
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (query.filters?.name) q = q.where('name', 'in', query.filters.name);
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return routerRecords(await q.execute());
      });
    },
    async deleteRouter(ctx, id) {
      await getRow(ctx, id);
      if ((await interfaces(id)).length) throw inUse(`Router ${id} still has ports`);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('local_floating_ips').where('kind', '=', 'gateway').where('router_id', '=', id).execute();
        await trx.deleteFrom('local_routers').where('id', '=', id).execute();
      });
    },
    async addRouterInterface(ctx, routerId, subnetId) {
      await getRow(ctx, routerId);
      const subnet = await db.selectFrom('local_subnets').selectAll().where('id', '=', subnetId)
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (!subnet) throw notFound('Subnet', subnetId);
      const cidr = parseCidr(subnet.cidr);
      for (const i of await interfaces(routerId)) {
        if (i.subnetId === subnetId) throw badRequest(`Bad router request: Router already has a port on subnet ${subnetId}.`);
        const other = await db.selectFrom('local_subnets').select('cidr').where('id', '=', i.subnetId).executeTakeFirst();
        const o = other && parseCidr(other.cidr);
        if (cidr && o && o.version === cidr.version && o.network <= cidr.last && cidr.network <= o.last) {
          throw badRequest(`Bad router request: Cidr ${subnet.cidr} of subnet ${subnetId} overlaps with cidr ${other?.cidr} of subnet ${i.subnetId}.`);
        }
      }
      const portId = await createRouterPort(db, ctx, routerId, subnet);
      return { routerId, subnetId, portId };
    },
    async removeRouterInterface(ctx, routerId, subnetId) {
      await getRow(ctx, routerId);
      const iface = (await interfaces(routerId)).find((i) => i.subnetId === subnetId);
      if (!iface) throw notFound(`Router ${routerId} has no interface on subnet`, subnetId);
      // Floating IPs reach ports of this subnet through the interface.
      const using = await db.selectFrom('local_floating_ips').innerJoin('local_port_ips', (j) => j
        .onRef('local_port_ips.port_id', '=', 'local_floating_ips.port_id').onRef('local_port_ips.ip_address', '=', 'local_floating_ips.fixed_ip_address'))
        .select('local_floating_ips.id').where('local_floating_ips.router_id', '=', routerId).where('local_port_ips.subnet_id', '=', subnetId).executeTakeFirst();
      if (using) throw inUse(`Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more floating IPs.`);
      const routes = (await getRow(ctx, routerId)).routes;
      const cidr = parseCidr((await db.selectFrom('local_subnets').select('cidr').where('id', '=', subnetId).executeTakeFirstOrThrow()).cidr);
      for (const r of JSON.parse(routes) as HostRoute[]) {
        const hop = parseIp(r.nexthop);
        if (cidr && hop && inCidr(cidr, hop)) throw inUse(`Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more routes.`);
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('local_port_ips').where('port_id', '=', iface.portId).execute();
        await trx.deleteFrom('local_ports').where('id', '=', iface.portId).execute();
      });
      return { routerId, subnetId, portId: iface.portId };
    },
    async setRouterGateway(ctx, routerId, networkId) {
      const row = await getRow(ctx, routerId);
      if (networkId === row.gateway_network_id) return record(ctx, routerId);
      if (row.gateway_network_id !== null) {
        const fip = await db.selectFrom('local_floating_ips').select('id').where('kind', '=', 'floatingip').where('router_id', '=', routerId).executeTakeFirst();
        if (fip) throw inUse(`Gateway cannot be updated for router ${routerId}, since a gateway to external network ${row.gateway_network_id} is required by one or more floating IPs.`);
      }
      const pool = publicPool(ctx.region);
      if (networkId !== null && networkId !== pool.network.id) {
        const own = await db.selectFrom('local_networks').select('id').where('id', '=', networkId).where('project_id', '=', ctx.projectId).executeTakeFirst();
        if (!own) throw notFound('Network', networkId);
        throw badRequest(`Bad router request: Network ${networkId} is not an external network.`);
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('local_floating_ips').where('kind', '=', 'gateway').where('router_id', '=', routerId).execute();
        await trx.updateTable('local_routers').set({ gateway_network_id: networkId }).where('id', '=', routerId).execute();
      });
      if (networkId !== null) {
        await takePublic(ctx, {
          id: newId(), ...scopeOf(ctx), kind: 'gateway', network_id: networkId, port_id: null, fixed_ip_address: null, router_id: routerId,
          description: '', created_at: now(),
        });
      }
      return record(ctx, routerId);
    },
    async setRouterRoutes(ctx, routerId, routes) {
      await getRow(ctx, routerId);
      const subnets = await Promise.all((await interfaces(routerId)).map((i) =>
        db.selectFrom('local_subnets').select('cidr').where('id', '=', i.subnetId).executeTakeFirstOrThrow()));
      const normalised = routes.map((r) => {
        const dest = parseCidr(r.destination);
        const hop = parseIp(r.nexthop);
        if (!dest || !hop || dest.version !== hop.version) throw badRequest(`Invalid format for routes: ${JSON.stringify(r)}.`);
        if (!subnets.some((s) => { const c = parseCidr(s.cidr); return c && inCidr(c, hop); })) {
          throw badRequest(`Invalid format for routes: ${JSON.stringify(r)}, the nexthop is not connected with router.`);
        }
        return { destination: formatCidr(dest), nexthop: ipText(hop.version, hop.value) };
      });
      await db.updateTable('local_routers').set({ routes: JSON.stringify(normalised) }).where('id', '=', routerId).execute();
      return record(ctx, routerId);
    },

    async createFloatingIp(ctx, fip) {
      const pool = publicPool(ctx.region);
      if (fip.floatingNetworkId !== pool.network.id) throw notFound('Network', fip.floatingNetworkId);
      const { n } = await db.selectFrom('local_floating_ips').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).where('kind', '=', 'floatingip').executeTakeFirstOrThrow();
      if (Number(n) >= maxFloatingIps) throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'floatingip\'].');
      let wanted: string | undefined;
      if (fip.floatingIpAddress !== undefined) {
        const ip = parseIp(fip.floatingIpAddress);
        if (!ip || !inCidr(pool.cidr, ip) || ip.value <= pool.cidr.network + 1n || ip.value === pool.cidr.last) {
          throw badRequest(`Invalid input for floating_ip_address: ${fip.floatingIpAddress} is not an address of the pool ${formatCidr(pool.cidr)}.`);
        }
        wanted = ipText(4, ip.value);
      }
      const row = {
        id: newId(), ...scopeOf(ctx), kind: 'floatingip' as const, network_id: pool.network.id, port_id: null, fixed_ip_address: null,
        router_id: null, description: fip.description ?? '', created_at: now(),
      };
      const address = await takePublic(ctx, row, wanted);
      return fipRecord({ ...row, address });
    },
    async getFloatingIp(ctx, id) {
      const r = await fips(ctx).where('id', '=', id).executeTakeFirst();
      return r && fipRecord(r);
    },
    listFloatingIps(ctx, query = {}) {
      return pageById(query, async (id) => !!(await fips(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = fips(ctx);
        const f = query.filters ?? {};
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (f.portId) q = q.where('port_id', 'in', f.portId);
        if (f.floatingIpAddress) q = q.where('address', 'in', f.floatingIpAddress.map((a) => canonicalIp(a) ?? a));
        if (f.floatingNetworkId) q = q.where('network_id', 'in', f.floatingNetworkId);
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return (await q.execute()).map(fipRecord);
      });
    },
    async updateFloatingIp(ctx, id, association) {
      const fip = await fips(ctx).where('id', '=', id).executeTakeFirst();
      if (!fip) throw notFound('Floating IP', id);
      if (association.portId === null) {
        await db.updateTable('local_floating_ips').set({ port_id: null, fixed_ip_address: null, router_id: null }).where('id', '=', id).execute();
        return fipRecord({ ...fip, port_id: null, fixed_ip_address: null, router_id: null });
      }
      const port = await db.selectFrom('local_ports').select('id').where('id', '=', association.portId)
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (!port) throw notFound('Port', association.portId);
      const ips = await db.selectFrom('local_port_ips').selectAll().where('port_id', '=', port.id).orderBy('position').execute();
      const wanted = association.fixedIpAddress === undefined ? undefined : canonicalIp(association.fixedIpAddress);
      const fixed = wanted === undefined ? ips.find((i) => parseIp(i.ip_address)?.version === 4) : ips.find((i) => i.ip_address === wanted);
      if (!fixed) {
        throw badRequest(association.fixedIpAddress === undefined
          ? `Bad floatingip request: Port ${port.id} does not have any IPv4 address.`
          : `Bad floatingip request: Port ${port.id} does not have fixed ip ${association.fixedIpAddress}.`);
      }
      // A router of the project with an interface on the fixed address's subnet and its gateway on the floating IP's network.
      const router = await db.selectFrom('local_routers')
        .innerJoin('local_ports', 'local_ports.device_id', 'local_routers.id')
        .innerJoin('local_port_ips', 'local_port_ips.port_id', 'local_ports.id')
        .select('local_routers.id').where('local_ports.device_owner', '=', ROUTER_INTERFACE)
        .where('local_port_ips.subnet_id', '=', fixed.subnet_id).where('local_routers.gateway_network_id', '=', fip.network_id)
        .where('local_routers.project_id', '=', ctx.projectId).orderBy('local_routers.id').executeTakeFirst();
      if (!router) {
        throw badRequest(`External network ${fip.network_id} is not reachable from subnet ${fixed.subnet_id}. Therefore, cannot associate Port ${port.id} with a Floating IP.`);
      }
      const set = { port_id: port.id, fixed_ip_address: fixed.ip_address, router_id: router.id };
      try {
        await db.updateTable('local_floating_ips').set(set).where('id', '=', id).execute();
      } catch (e) {
        if (isUniqueViolation(e)) {
          throw new ProviderError('Conflict', `Cannot associate floating IP ${fip.address} (${id}) with port ${port.id} using fixed IP ${fixed.ip_address}, as that fixed IP already has a floating IP.`);
        }
        throw e;
      }
      return fipRecord({ ...fip, ...set });
    },
    async deleteFloatingIp(ctx, id) {
      const r = await db.deleteFrom('local_floating_ips').where('id', '=', id).where('kind', '=', 'floatingip')
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('Floating IP', id);
    },
  };
}
