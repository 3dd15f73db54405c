/** What the embedded cloud's Neutron parts share: paging by id, errors, the public pool, record mapping. */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConfigError, type Config } from '../../config/config.js';
import { isUniqueViolation } from '../../store/sql.js';
import { ProviderError } from '../errors.js';
import { checkQuery, markerNotFound, pageOf } from '../paging.js';
import type { CloudContext, ListQuery, Page } from '../provider.js';
import type { NetworkRecord, PortRecord, SubnetRecord } from '../records.js';
import { type Cidr, formatCidr, parseCidr } from '../../kit/ip.js';
import type { LocalCloudDatabase, LocalPortsTable, LocalSubnetsTable } from './schema.js';

export type Db = Kysely<LocalCloudDatabase>;

export const notFound = (what: string, id: string) => new ProviderError('NotFound', `${what} ${id} could not be found.`);
export const badRequest = (message: string) => new ProviderError('BadRequest', message);
export const inUse = (message: string) => new ProviderError('InUse', message);
export const now = () => new Date().toISOString();
export const newId = () => randomUUID();

/**
 * A page of objects in id order. `run(after, take)` lists the objects after that id, at most `take`;
 * `exists(id)` says whether the caller may see the marker.
 */
export async function pageById<R extends { id: string }>(
  query: ListQuery<unknown>,
  exists: (id: string) => Promise<boolean>,
  run: (after: string | undefined, take: number | undefined) => Promise<R[]>,
): Promise<Page<R>> {
  checkQuery(query);
  // An empty list of ids or of a filter's values matches nothing.
  if (query.ids?.length === 0 || Object.values(query.filters ?? {}).some((v) => Array.isArray(v) && v.length === 0)) return { items: [] };
  if (query.marker !== undefined && !(await exists(query.marker))) throw markerNotFound(query.marker);
  const rows = await run(query.marker, query.limit === undefined ? undefined : query.limit + 1);
  return pageOf(rows, query.limit, (r) => r.id);
}

/** A deadlock (MySQL/MariaDB, PostgreSQL): the transaction was rolled back and may simply run again. */
const isDeadlock = (e: unknown) => {
  const err = e as { code?: string; errno?: number };
  return err?.code === 'ER_LOCK_DEADLOCK' || err?.errno === 1213 || err?.code === '40P01';
};

/**
 * Runs `fn` (a transaction) again while it loses a race: another process took the address it picked
 * (a unique violation) or the database chose it as a deadlock victim. Anything else is thrown.
 */
export async function retryingRaces<T>(attempts: number, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !(isUniqueViolation(e) || isDeadlock(e))) throw e;
    }
  }
}

/** A stable UUID-shaped id from a name: the external network of a region is the same in every process. */
function derivedId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The public pool of a region, as Neutron would show it: an external network with one subnet. */
export interface PublicPool { network: NetworkRecord; subnet: SubnetRecord; cidr: Cidr }

export function publicPoolOf(config: Config): (region: string) => PublicPool {
  const cidr = parseCidr(config.local.public_ip_pool);
  if (cidr?.version !== 4 || cidr.last - cidr.network < 3n) {
    throw new ConfigError(`option [local] public_ip_pool: '${config.local.public_ip_pool}' is not an IPv4 block with room for addresses (e.g. 198.51.100.0/24)`);
  }
  return (region) => {
    const networkId = derivedId(`ec2api-local-public-network:${region}`);
    const subnetId = derivedId(`ec2api-local-public-subnet:${region}`);
    const ip = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
    return {
      cidr,
      network: { id: networkId, name: 'public', projectId: '', external: true, subnetIds: [subnetId], status: 'ACTIVE' },
      subnet: {
        id: subnetId, name: 'public', projectId: '', networkId, cidr: formatCidr(cidr), ipVersion: 4, gatewayIp: ip(cidr.network + 1n),
        allocationPools: [{ start: ip(cidr.network + 2n), end: ip(cidr.last - 1n) }], dnsNameservers: [], hostRoutes: [],
      },
    };
  };
}

export const scopeOf = (ctx: CloudContext) => ({ project_id: ctx.projectId, region: ctx.region });

export const subnetRecord = (r: LocalSubnetsTable): SubnetRecord => ({
  id: r.id, name: r.name, projectId: r.project_id, networkId: r.network_id, cidr: r.cidr, ipVersion: Number(r.ip_version) as 4 | 6,
  gatewayIp: r.gateway_ip, allocationPools: JSON.parse(r.allocation_pools), dnsNameservers: JSON.parse(r.dns_nameservers),
  hostRoutes: JSON.parse(r.host_routes),
});

/** Ports with their addresses and groups, in the order of `rows`. */
export async function portRecords(db: Db, rows: LocalPortsTable[]): Promise<PortRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const ips = await db.selectFrom('local_port_ips').selectAll().where('port_id', 'in', ids).orderBy('position').execute();
  const sgs = await db.selectFrom('local_port_security_groups').selectAll().where('port_id', 'in', ids).orderBy('position').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, projectId: r.project_id, networkId: r.network_id, macAddress: r.mac_address,
    fixedIps: ips.filter((i) => i.port_id === r.id).map((i) => ({ subnetId: i.subnet_id, ipAddress: i.ip_address })),
    securityGroupIds: sgs.filter((s) => s.port_id === r.id).map((s) => s.security_group_id),
    allowedAddressPairs: JSON.parse(r.allowed_address_pairs), deviceId: r.device_id, deviceOwner: r.device_owner,
    description: r.description, status: r.status, createdAt: new Date(r.created_at),
  }));
}

export async function countOf(db: Db, table: 'local_networks' | 'local_subnets' | 'local_routers' | 'local_security_groups', ctx: CloudContext): Promise<number> {
  const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirstOrThrow();
  return Number(n);
}

/** The embedded cloud's Neutron quotas but floating IPs ([local] max_elastic_ips); security group rules count per group, as AWS does. Networks, subnets and routers are bounded by the VPC API's own limits ([vpc]), not here. */
export const LOCAL_NETWORK_QUOTAS = { networks: 10000, subnets: 10000, routers: 10000, securityGroups: 2500, securityGroupRules: 60, ports: -1 };

export const ROUTER_INTERFACE = 'network:router_interface';
