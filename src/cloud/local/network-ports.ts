/**
 * The embedded cloud's Neutron ports and their addresses. An address is a row of
 * local_port_ips whose primary key is (subnet, address): two processes picking the
 * same free address cannot both insert it; the loser's transaction runs again and
 * picks another. Free addresses are picked at random among the first free ones of
 * the allocation pools, so that concurrent requests seldom collide.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { ProviderError } from '../errors.js';
import type { CloudContext, NetworkService } from '../provider.js';
import type { AddressPair, FixedIpRequest, PortRecord } from '../records.js';
import { canonicalIp, formatCidr, inCidr, ipText, parseCidr, parseIp } from '../../kit/ip.js';
import {
  badRequest, type Db, inUse, newId, notFound, now, pageById, portRecords, ROUTER_INTERFACE, retryingRaces, scopeOf,
} from './network-shared.js';
import type { LocalSubnetsTable } from './schema.js';

const PICK_WINDOW = 64;
const ATTEMPTS = 40;

type Trx = Db;
/** A fixed IP resolved against the network's subnets: a given address, or any free one of the subnet. */
interface Wanted { subnet: LocalSubnetsTable; ipAddress?: string }

const macAddress = () => `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** A free address of the subnet's pools, not among `taken`; undefined when the pools are used up. */
async function pickFree(trx: Trx, subnet: LocalSubnetsTable, taken: Set<string>): Promise<string | undefined> {
  const used = new Set((await trx.selectFrom('local_port_ips').select('ip_address').where('subnet_id', '=', subnet.id).execute()).map((r) => r.ip_address));
  if (subnet.gateway_ip) used.add(subnet.gateway_ip);
  const version = Number(subnet.ip_version) as 4 | 6;
  const free: string[] = [];
  for (const pool of JSON.parse(subnet.allocation_pools) as { start: string; end: string }[]) {
    const end = parseIp(pool.end)?.value ?? -1n;
    for (let v = parseIp(pool.start)?.value ?? 0n; v <= end && free.length < PICK_WINDOW; v++) {
      const text = ipText(version, v);
      if (!used.has(text) && !taken.has(text)) free.push(text);
    }
    if (free.length >= PICK_WINDOW) break;
  }
  return free.length ? free[randomInt(free.length)] : undefined;
}

/** Inserts the port's addresses (`keep` are already its own), in order. Throws Conflict for a given address in use. */
async function allocate(trx: Trx, portId: string, wanted: Wanted[], keep: Set<string>) {
  const chosen = new Set<string>();
  let position = 0;
  for (const w of wanted) {
    position++;
    const key = (ip: string) => `${w.subnet.id} ${ip}`;
    if (w.ipAddress !== undefined && keep.has(key(w.ipAddress))) {
      await trx.updateTable('local_port_ips').set({ position }).where('subnet_id', '=', w.subnet.id).where('ip_address', '=', w.ipAddress).execute();
      continue;
    }
    let ip = w.ipAddress;
    if (ip === undefined) {
      ip = await pickFree(trx, w.subnet, chosen);
      if (ip === undefined) throw new ProviderError('IpAddressExhausted', `No more IP addresses available for subnet ${w.subnet.id}.`);
    } else {
      const owner = await trx.selectFrom('local_port_ips').select('port_id').where('subnet_id', '=', w.subnet.id).where('ip_address', '=', ip).executeTakeFirst();
      if (owner || chosen.has(ip)) throw new ProviderError('Conflict', `IP address ${ip} already allocated in subnet ${w.subnet.id}`);
    }
    chosen.add(ip);
    await trx.insertInto('local_port_ips').values({ subnet_id: w.subnet.id, ip_address: ip, port_id: portId, position }).execute();
  }
}

type PortPart = Pick<NetworkService, 'createPort' | 'getPort' | 'listPorts' | 'updatePort' | 'deletePort'>;

export function localPorts(db: Db): PortPart {
  const ports = (ctx: CloudContext) => db.selectFrom('local_ports').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);

  const getRow = async (ctx: CloudContext, id: string) => {
    const r = await ports(ctx).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('Port', id);
    return r;
  };

  /** The subnets the fixed IPs name, checked against the network (Neutron's rules: an address must be in a subnet of the port's network). */
  const resolve = async (ctx: CloudContext, networkId: string, requests: FixedIpRequest[] | undefined, device: string): Promise<Wanted[]> => {
    const subnets = await db.selectFrom('local_subnets').selectAll().where('network_id', '=', networkId)
      .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).orderBy('created_at').orderBy('id').execute();
    if (requests === undefined) {
      const first = subnets.find((s) => Number(s.ip_version) === 4) ?? subnets[0];
      return first ? [{ subnet: first }] : [];
    }
    return requests.map((r) => {
      let subnet: LocalSubnetsTable | undefined;
      if (r.subnetId !== undefined) {
        subnet = subnets.find((s) => s.id === r.subnetId);
        if (!subnet) throw badRequest(`Invalid input for fixed_ips: subnet ${r.subnetId} is not a subnet of network ${networkId}.`);
      }
      if (r.ipAddress === undefined) return { subnet: subnet as LocalSubnetsTable };
      const ip = parseIp(r.ipAddress);
      if (!ip) throw badRequest(`Invalid input for fixed_ips: '${r.ipAddress}' is not a valid IP address.`);
      subnet ??= subnets.find((s) => { const c = parseCidr(s.cidr); return c && inCidr(c, ip); });
      const cidr = subnet && parseCidr(subnet.cidr);
      if (!subnet || !cidr || !inCidr(cidr, ip)) {
        throw badRequest(`Invalid input for fixed_ips: ${r.ipAddress} is not a valid IP for the specified subnet${subnet ? ` (${formatCidr(cidr ?? { version: 4, network: 0n, prefix: 0, last: 0n })})` : 's'}.`);
      }
      const text = ipText(ip.version, ip.value);
      if (ip.value === cidr.network || (ip.version === 4 && ip.value === cidr.last)) throw badRequest(`Invalid input for fixed_ips: ${text} is the network or broadcast address.`);
      if (text === subnet.gateway_ip && !device.startsWith('network:router')) {
        throw new ProviderError('Conflict', `IP address ${text} already allocated in subnet ${subnet.id}: it is the subnet's gateway`);
      }
      return { subnet, ipAddress: text };
    });
  };

  const checkGroups = async (ctx: CloudContext, ids: string[]) => {
    for (const id of new Set(ids)) {
      const g = await db.selectFrom('local_security_groups').select('id').where('id', '=', id)
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (!g) throw notFound('Security group', id);
    }
    return [...new Set(ids)];
  };

  const pairs = (list: AddressPair[]) => list.map((p) => {
    const [addr, prefix] = p.ipAddress.split('/');
    const ip = canonicalIp(addr);
    const cidr = prefix === undefined ? undefined : parseCidr(p.ipAddress);
    if (!ip || (prefix !== undefined && !cidr)) throw badRequest(`Invalid input for allowed_address_pairs: '${p.ipAddress}' is not a valid IP address or CIDR.`);
    return { ipAddress: cidr ? formatCidr(cidr) : ip, ...(p.macAddress ? { macAddress: p.macAddress.toLowerCase() } : {}) };
  });

  const setGroups = async (trx: Trx, portId: string, ids: string[]) => {
    await trx.deleteFrom('local_port_security_groups').where('port_id', '=', portId).execute();
    if (ids.length) await trx.insertInto('local_port_security_groups').values(ids.map((g, i) => ({ port_id: portId, security_group_id: g, position: i }))).execute();
  };

  const record = async (ctx: CloudContext, id: string): Promise<PortRecord> => (await portRecords(db, [await getRow(ctx, id)]))[0];

  return {
    async createPort(ctx, port) {
      const network = await db.selectFrom('local_networks').select('id').where('id', '=', port.networkId)
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (!network) throw notFound('Network', port.networkId);
      const wanted = await resolve(ctx, port.networkId, port.fixedIps, port.deviceOwner ?? '');
      const groups = await checkGroups(ctx, port.securityGroupIds ?? []);
      const row = {
        id: newId(), ...scopeOf(ctx), network_id: port.networkId, name: port.name ?? '', mac_address: macAddress(),
        allowed_address_pairs: JSON.stringify(pairs(port.allowedAddressPairs ?? [])), device_id: port.deviceId ?? '',
        device_owner: port.deviceOwner ?? '', description: port.description ?? '', status: 'DOWN', created_at: now(),
      };
      await retryingRaces(ATTEMPTS, () => db.transaction().execute(async (trx) => {
        await trx.insertInto('local_ports').values(row).execute();
        await setGroups(trx, row.id, groups);
        await allocate(trx, row.id, wanted, new Set());
      }));
      return record(ctx, row.id);
    },
    async getPort(ctx, id) {
      const r = await ports(ctx).where('id', '=', id).executeTakeFirst();
      return r && (await portRecords(db, [r]))[0];
    },
    listPorts(ctx, query = {}) {
      return pageById(query, async (id) => !!(await ports(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = ports(ctx);
        const f = query.filters ?? {};
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (f.networkId) q = q.where('network_id', 'in', f.networkId);
        if (f.deviceId) q = q.where('device_id', 'in', f.deviceId);
        if (f.deviceOwner) q = q.where('device_owner', 'in', f.deviceOwner);
        if (f.subnetId || f.ipAddress) {
          const { subnetId, ipAddress } = f;
          q = q.where('id', 'in', (eb) => {
            let sub = eb.selectFrom('local_port_ips').select('port_id');
            if (subnetId) sub = sub.where('subnet_id', 'in', subnetId);
            if (ipAddress) sub = sub.where('ip_address', 'in', ipAddress.map((a) => canonicalIp(a) ?? a));
            return sub;
          });
        }
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return portRecords(db, await q.execute());
      });
    },
    async updatePort(ctx, id, update) {
      const row = await getRow(ctx, id);
      const groups = update.securityGroupIds && await checkGroups(ctx, update.securityGroupIds);
      const wanted = update.fixedIps && await resolve(ctx, row.network_id, update.fixedIps, update.deviceOwner ?? row.device_owner);
      await retryingRaces(ATTEMPTS, () => db.transaction().execute(async (trx) => {
        const set: Partial<typeof row> = {};
        if (update.name !== undefined) set.name = update.name;
        if (update.description !== undefined) set.description = update.description;
        if (update.deviceId !== undefined) set.device_id = update.deviceId;
        if (update.deviceOwner !== undefined) set.device_owner = update.deviceOwner;
        if (update.allowedAddressPairs !== undefined) set.allowed_address_pairs = JSON.stringify(pairs(update.allowedAddressPairs));
        if (Object.keys(set).length) await trx.updateTable('local_ports').set(set).where('id', '=', id).execute();
        if (groups) await setGroups(trx, id, groups);
        if (wanted) {
          const current = await trx.selectFrom('local_port_ips').selectAll().where('port_id', '=', id).execute();
          const keepKeys = new Set(wanted.filter((w) => w.ipAddress !== undefined).map((w) => `${w.subnet.id} ${w.ipAddress}`));
          const dropped = current.filter((c) => !keepKeys.has(`${c.subnet_id} ${c.ip_address}`));
          for (const d of dropped) {
            const fip = await trx.selectFrom('local_floating_ips').select('id').where('port_id', '=', id).where('fixed_ip_address', '=', d.ip_address).executeTakeFirst();
            if (fip) throw inUse(`Cannot remove address ${d.ip_address} from port ${id}: floating IP ${fip.id} is associated with it.`);
            await trx.deleteFrom('local_port_ips').where('subnet_id', '=', d.subnet_id).where('ip_address', '=', d.ip_address).execute();
          }
          await allocate(trx, id, wanted, new Set(current.filter((c) => keepKeys.has(`${c.subnet_id} ${c.ip_address}`)).map((c) => `${c.subnet_id} ${c.ip_address}`)));
        }
      }));
      return record(ctx, id);
    },
    async deletePort(ctx, id) {
      const row = await getRow(ctx, id);
      if (row.device_owner === ROUTER_INTERFACE) {
        throw inUse(`Port ${id} cannot be deleted directly via the port API: has device owner ${ROUTER_INTERFACE}.`);
      }
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('local_floating_ips').set({ port_id: null, fixed_ip_address: null, router_id: null }).where('port_id', '=', id).execute();
        await trx.deleteFrom('local_port_ips').where('port_id', '=', id).execute();
        await trx.deleteFrom('local_port_security_groups').where('port_id', '=', id).execute();
        await trx.deleteFrom('local_ports').where('id', '=', id).execute();
      });
    },
  };
}

/** Used by routers: a port of the router on the subnet, with the subnet's gateway address. */
export async function createRouterPort(db: Db, ctx: CloudContext, routerId: string, subnet: LocalSubnetsTable): Promise<string> {
  if (!subnet.gateway_ip) throw badRequest(`Bad router request: Subnet ${subnet.id} does not have a gateway IP.`);
  const gateway = subnet.gateway_ip;
  const row = {
    id: newId(), ...scopeOf(ctx), network_id: subnet.network_id, name: '', mac_address: macAddress(), allowed_address_pairs: '[]',
    device_id: routerId, device_owner: ROUTER_INTERFACE, description: '', status: 'ACTIVE', created_at: now(),
  };
  await retryingRaces(ATTEMPTS, () => db.transaction().execute(async (trx) => {
    await trx.insertInto('local_ports').values(row).execute();
    await allocate(trx, row.id, [{ subnet, ipAddress: gateway }], new Set());
  }));
  return row.id;
}
