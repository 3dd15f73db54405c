/**
 * The embedded cloud's Neutron security groups and rules. A rule's fingerprint (everything
 * but its description, normalised: protocol numbers, canonical prefixes) is unique per
 * group in the database, so a duplicate is refused even when two requests race.
 */
import { isUniqueViolation } from '../../store/sql.js';
import { ProviderError } from '../errors.js';
import type { CloudContext, NetworkService } from '../provider.js';
import type { NewSecurityGroupRule, SecurityGroupRecord, SecurityGroupRuleRecord } from '../records.js';
import { formatCidr, parseCidr, parseIp } from '../../kit/ip.js';
import {
  badRequest, countOf, type Db, inUse, LOCAL_NETWORK_QUOTAS, newId, notFound, now, pageById, scopeOf,
} from './network-shared.js';
import type { LocalSecurityGroupRulesTable, LocalSecurityGroupsTable } from './schema.js';

type GroupPart = Pick<NetworkService,
  'createSecurityGroup' | 'getSecurityGroup' | 'listSecurityGroups' | 'deleteSecurityGroup' | 'createSecurityGroupRule'
  | 'listSecurityGroupRules' | 'deleteSecurityGroupRule'>;

/** Neutron's protocol names and their numbers. */
const PROTOCOLS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, icmp: 1, icmpv6: 58, igmp: 2, ipip: 4, 'ipv6-encap': 41, 'ipv6-frag': 44,
  'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17,
  udplite: 136, vrrp: 112,
};
const PORTED = new Set([6, 17, 33, 132, 136]);

const ruleRecord = (r: LocalSecurityGroupRulesTable): SecurityGroupRuleRecord => ({
  id: r.id, securityGroupId: r.security_group_id, direction: r.direction as 'ingress' | 'egress', ethertype: r.ethertype as 'IPv4' | 'IPv6',
  protocol: r.protocol, portRangeMin: r.port_range_min === null ? null : Number(r.port_range_min),
  portRangeMax: r.port_range_max === null ? null : Number(r.port_range_max), remoteIpPrefix: r.remote_ip_prefix,
  remoteGroupId: r.remote_group_id, description: r.description,
});

/** The rule checked and normalised as Neutron does, with its fingerprint. */
function normalise(rule: NewSecurityGroupRule) {
  if (rule.direction !== 'ingress' && rule.direction !== 'egress') throw badRequest(`Invalid input for direction: '${rule.direction}'.`);
  if (rule.ethertype !== 'IPv4' && rule.ethertype !== 'IPv6') throw badRequest(`Invalid input for ethertype: '${rule.ethertype}'.`);
  const given = rule.protocol === undefined || rule.protocol === null || rule.protocol === '' || rule.protocol.toLowerCase() === 'any'
    ? null : rule.protocol.toLowerCase();
  let number: number | null = null;
  if (given !== null) {
    number = /^\d+$/.test(given) ? Number(given) : PROTOCOLS[given] ?? NaN;
    if (!Number.isInteger(number) || number < 0 || number > 255) throw badRequest(`Security group rule protocol ${rule.protocol} not supported.`);
  }
  const min = rule.portRangeMin ?? null;
  const max = rule.portRangeMax ?? null;
  if (number === null || !(PORTED.has(number) || number === 1 || number === 58)) {
    if (min !== null || max !== null) throw badRequest('Invalid input: port ranges need a protocol that has ports (tcp, udp, sctp, icmp…).');
  } else if (PORTED.has(number)) {
    if ((min === null) !== (max === null)) throw badRequest('For TCP/UDP protocols, port_range_min must be <= port_range_max');
    if (min !== null && max !== null && (min < 1 || max > 65535 || min > max)) {
      throw badRequest(`Invalid port range ${min}-${max}: port_range_min must be <= port_range_max, both in 1..65535.`);
    }
  } else {
    if (min === null && max !== null) throw badRequest(`ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`);
    for (const v of [min, max]) if (v !== null && (v < 0 || v > 255)) throw badRequest(`Invalid value for ICMP field: ${v}. It must be 0 to 255.`);
  }
  let prefix: string | null = null;
  if (rule.remoteIpPrefix) {
    const [addr, len] = rule.remoteIpPrefix.split('/');
    const ip = parseIp(addr);
    const width = ip?.version === 6 ? 128 : 32;
    const plen = len === undefined ? width : Number(len);
    if (!ip || !/^\d*$/.test(len ?? '') || plen > width) throw badRequest(`'${rule.remoteIpPrefix}' is not a valid IP prefix.`);
    const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - plen)) - 1n);
    const cidr = parseCidr(`${formatCidr({ version: ip.version, network: ip.value & mask, prefix: plen, last: 0n })}`);
    if (!cidr) throw badRequest(`'${rule.remoteIpPrefix}' is not a valid IP prefix.`);
    if ((cidr.version === 4 ? 'IPv4' : 'IPv6') !== rule.ethertype) {
      throw badRequest(`Conflicting value ethertype ${rule.ethertype} for CIDR ${rule.remoteIpPrefix}`);
    }
    prefix = formatCidr(cidr);
  }
  if (prefix !== null && rule.remoteGroupId) throw badRequest('Only remote_ip_prefix or remote_group_id may be provided.');
  const row = {
    direction: rule.direction, ethertype: rule.ethertype, protocol: given, port_range_min: min, port_range_max: max,
    remote_ip_prefix: prefix, remote_group_id: rule.remoteGroupId ?? null, description: rule.description ?? '',
  };
  const fingerprint = [rule.direction, rule.ethertype, number ?? '', min ?? '', max ?? '', prefix ?? '', rule.remoteGroupId ?? ''].join('|');
  return { row, fingerprint };
}

export function localSecurityGroups(db: Db): GroupPart {
  const groups = (ctx: CloudContext) => db.selectFrom('local_security_groups').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);
  const rules = (ctx: CloudContext) => db.selectFrom('local_security_group_rules').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);

  const groupRecords = async (rows: LocalSecurityGroupsTable[]): Promise<SecurityGroupRecord[]> => {
    if (rows.length === 0) return [];
    const all = await db.selectFrom('local_security_group_rules').selectAll().where('security_group_id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, name: r.name, description: r.description, projectId: r.project_id,
      rules: all.filter((x) => x.security_group_id === r.id).map(ruleRecord),
    }));
  };

  const insertRule = async (ctx: CloudContext, groupId: string, rule: NewSecurityGroupRule) => {
    const { row, fingerprint } = normalise(rule);
    const full = { id: newId(), ...scopeOf(ctx), security_group_id: groupId, ...row, fingerprint, created_at: now() };
    try {
      await db.insertInto('local_security_group_rules').values(full).execute();
    } catch (e) {
      if (isUniqueViolation(e)) {
        const same = await db.selectFrom('local_security_group_rules').select('id').where('security_group_id', '=', groupId).where('fingerprint', '=', fingerprint).executeTakeFirst();
        throw new ProviderError('Conflict', `Security group rule already exists. Rule id is ${same?.id ?? 'unknown'}.`);
      }
      throw e;
    }
    return ruleRecord(full);
  };

  return {
    async createSecurityGroup(ctx, group) {
      if (await countOf(db, 'local_security_groups', ctx) >= LOCAL_NETWORK_QUOTAS.securityGroups) {
        throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'security_group\'].');
      }
      const row = { id: newId(), ...scopeOf(ctx), name: group.name, description: group.description ?? '', created_at: now() };
      await db.insertInto('local_security_groups').values(row).execute();
      // As Neutron: a new group lets everything out, over IPv4 and IPv6.
      for (const ethertype of ['IPv4', 'IPv6'] as const) await insertRule(ctx, row.id, { securityGroupId: row.id, direction: 'egress', ethertype });
      return (await groupRecords([row]))[0];
    },
    async getSecurityGroup(ctx, id) {
      const r = await groups(ctx).where('id', '=', id).executeTakeFirst();
      return r && (await groupRecords([r]))[0];
    },
    listSecurityGroups(ctx, query = {}) {
      return pageById(query, async (id) => !!(await groups(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = groups(ctx);
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (query.filters?.name) q = q.where('name', 'in', query.filters.name);
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return groupRecords(await q.execute());
      });
    },
    async deleteSecurityGroup(ctx, id) {
      if (!(await groups(ctx).where('id', '=', id).executeTakeFirst())) throw notFound('Security group', id);
      await db.transaction().execute(async (trx) => {
        const port = await trx.selectFrom('local_port_security_groups').select('port_id').where('security_group_id', '=', id).executeTakeFirst();
        if (port) throw inUse(`Security Group ${id} in use: port ${port.port_id} uses it.`);
        await trx.deleteFrom('local_security_group_rules').where((eb) => eb.or([eb('security_group_id', '=', id), eb('remote_group_id', '=', id)])).execute();
        await trx.deleteFrom('local_security_groups').where('id', '=', id).execute();
      });
    },
    async createSecurityGroupRule(ctx, rule) {
      if (!(await groups(ctx).where('id', '=', rule.securityGroupId).executeTakeFirst())) throw notFound('Security group', rule.securityGroupId);
      if (rule.remoteGroupId && !(await groups(ctx).where('id', '=', rule.remoteGroupId).executeTakeFirst())) throw notFound('Security group', rule.remoteGroupId);
      const { n } = await db.selectFrom('local_security_group_rules').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('security_group_id', '=', rule.securityGroupId).where('direction', '=', rule.direction).executeTakeFirstOrThrow();
      if (Number(n) >= LOCAL_NETWORK_QUOTAS.securityGroupRules) throw new ProviderError('QuotaExceeded', 'Quota exceeded for resources: [\'security_group_rule\'].');
      return insertRule(ctx, rule.securityGroupId, rule);
    },
    listSecurityGroupRules(ctx, query = {}) {
      return pageById(query, async (id) => !!(await rules(ctx).where('id', '=', id).executeTakeFirst()), async (after, take) => {
        let q = rules(ctx);
        const f = query.filters ?? {};
        if (query.ids) q = q.where('id', 'in', query.ids);
        if (f.securityGroupId) q = q.where('security_group_id', 'in', f.securityGroupId);
        if (f.direction) q = q.where('direction', 'in', f.direction);
        if (after !== undefined) q = q.where('id', '>', after);
        q = q.orderBy('id');
        if (take !== undefined) q = q.limit(take);
        return (await q.execute()).map(ruleRecord);
      });
    },
    async deleteSecurityGroupRule(ctx, id) {
      const r = await db.deleteFrom('local_security_group_rules').where('id', '=', id)
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('Security group rule', id);
    },
  };
}
