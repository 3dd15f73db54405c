/**
 * Security groups: CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups, Authorize/Revoke
 * SecurityGroupIngress/Egress, DescribeSecurityGroupRules, ModifySecurityGroupRules,
 * UpdateSecurityGroupRuleDescriptionsIngress/Egress, DescribeSecurityGroupReferences, DescribeStaleSecurityGroups,
 * GetSecurityGroupsForVpc.
 *
 * A group is a Neutron security group (its VPC, EC2 name and description in the store); a rule is a Neutron rule
 * with an sgr- id mapped on first sight. Neutron rules cannot be changed (this Neutron answers 500 to a PUT of a
 * rule's description): a rule whose content or description changes is made anew upstream and its sgr- id and tags
 * move to the new Neutron rule. Every Describe lists the groups once (Neutron embeds their rules).
 * Groups made outside EC2 appear in the project's default VPC; Neutron's own 'default' group and groups named
 * after a VPC id EC2 does not know are not shown.
 */
import type { IpPermission, SecurityGroup, SecurityGroupRule, TagSpecification } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import type { NewSecurityGroupRule, SecurityGroupRecord, SecurityGroupRuleRecord } from '../cloud/records.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import type { FilterTable } from '../kit/filters.js';
import { formatCidr, parseCidr } from '../kit/ip.js';
import { pageRequest } from '../kit/paging.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId } from '../resources/ids.js';
import { requireResource, requireResources } from '../resources/lookup.js';
import { mapCloudObjects } from '../resources/mapping.js';
import { createWithUndo, type Undo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type { SecurityGroupAttrs, SecurityGroupRuleAttrs, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';
import { ensureDefaultVpc } from './vpcs.js';

type Direction = 'ingress' | 'egress';
type RuleAttrs = SecurityGroupRuleAttrs & {
  /** EC2's FromPort was 0 (Neutron has no port 0: the rule starts at 1 upstream). */
  fromPortZero?: boolean;
  /** Set while the rule is being replaced upstream: its Neutron rule may be missing for a moment. */
  pendingSince?: string;
};

interface RuleView { resource: Resource<RuleAttrs>; record: SecurityGroupRuleRecord; tags: Tag[]; groupId: string }
interface GroupView { resource: Resource<SecurityGroupAttrs>; record: SecurityGroupRecord; tags: Tag[]; rules: RuleView[] }
interface Snapshot {
  groups: GroupView[];
  /** EC2 id of a Neutron group (loaded or only mapped). */
  sgIdOf: Map<string, string>;
  /** EC2 name of a group, by its EC2 id. */
  nameOf: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Upstream groups made for EC2

/** Makes a Neutron group with AWS's default egress (all IPv4 traffic; all IPv6 too when the VPC has IPv6). */
export async function makeGroup(ctx: ActionContext, undo: Undo, name: string, description: string, keepIpv6Egress = false) {
  const net = ctx.cloud.network;
  const group = await undo.step('create security group', () => net.createSecurityGroup(ctx.cloudCtx, { name, description }),
    (g) => net.deleteSecurityGroup(undo.cloudCtx, g.id));
  if (!keepIpv6Egress) {
    for (const r of group.rules) {
      if (r.direction === 'egress' && r.ethertype === 'IPv6') await net.deleteSecurityGroupRule(ctx.cloudCtx, r.id);
    }
  }
  return { ...group, rules: keepIpv6Egress ? group.rules : group.rules.filter((r) => !(r.direction === 'egress' && r.ethertype === 'IPv6')) };
}

/**
 * The VPC's security group made upstream: Neutron names it after the VPC (EC2 calls it 'default'); ingress from
 * itself, egress anywhere (over IPv6 too when the VPC has an IPv6 block), as AWS has it.
 */
export async function makeDefaultGroup(ctx: ActionContext, undo: Undo, vpcId: string, withIpv6 = false) {
  const group = await makeGroup(ctx, undo, vpcId, 'default VPC security group', withIpv6);
  await ctx.cloud.network.createSecurityGroupRule(ctx.cloudCtx, { securityGroupId: group.id, direction: 'ingress', ethertype: 'IPv4', remoteGroupId: group.id });
  return group;
}

// ---------------------------------------------------------------------------------------------------------------
// Protocols

/** Neutron's protocol names and their numbers. */
const PROTOCOL_NUMBERS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, icmp: 1, icmpv6: 58, igmp: 2, ipip: 4, 'ipv6-encap': 41, 'ipv6-frag': 44,
  'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17,
  udplite: 136, vrrp: 112,
};
const EC2_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
const NEUTRON_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'ipv6-icmp' };

/** A Neutron protocol as a number; null: any. */
function protocolNumber(p: string | null): number | null {
  if (p === null || p === '' || p.toLowerCase() === 'any') return null;
  if (/^\d+$/.test(p)) return Number(p);
  return PROTOCOL_NUMBERS[p.toLowerCase()] ?? -2;
}

const ec2Protocol = (n: number | null) => (n === null ? '-1' : EC2_NAMES[n] ?? String(n));
const hasPorts = (n: number | null) => n === 6 || n === 17;
const isIcmp = (n: number | null) => n === 1 || n === 58;

// ---------------------------------------------------------------------------------------------------------------
// Rules in EC2's terms

/** One wanted or existing rule, normalised so that equal rules have equal keys. */
interface RuleSpec {
  direction: Direction;
  ethertype: 'IPv4' | 'IPv6';
  protocol: number | null;
  /** Neutron's port_range_min/max (ICMP: type/code); null: all. */
  min: number | null;
  max: number | null;
  fromPortZero?: boolean;
  /** Canonical CIDR; null with remoteGroup: a group peer. */
  cidr: string | null;
  /** Neutron id of the peer group. */
  remoteGroup: string | null;
  /** EC2 id of the peer group (messages, responses). */
  remoteGroupId?: string;
  description: string;
}

const anyCidr = (e: 'IPv4' | 'IPv6') => (e === 'IPv4' ? '0.0.0.0/0' : '::/0');

function specOfRecord(r: SecurityGroupRuleRecord, sgIdOf: Map<string, string>, attrs?: RuleAttrs): RuleSpec {
  const protocol = protocolNumber(r.protocol);
  const remoteGroup = r.remoteGroupId;
  return {
    direction: r.direction, ethertype: r.ethertype, protocol,
    min: protocol === null ? null : r.portRangeMin, max: protocol === null ? null : r.portRangeMax,
    fromPortZero: attrs?.fromPortZero,
    cidr: remoteGroup ? null : canonicalCidr(r.remoteIpPrefix) ?? anyCidr(r.ethertype),
    remoteGroup, remoteGroupId: remoteGroup ? sgIdOf.get(remoteGroup) : undefined,
    description: r.description ?? '',
  };
}

function canonicalCidr(text: string | null): string | undefined {
  if (!text) return undefined;
  const c = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  return c && formatCidr(c);
}

const specKey = (s: RuleSpec) =>
  [s.direction, s.ethertype, s.protocol ?? 'any', s.min ?? '', s.max ?? '', s.cidr ?? '', s.remoteGroup ?? ''].join('|');

/** EC2's ports of a rule: for an IpPermission (undefined: none shown) and for a SecurityGroupRule. */
function portsOf(s: RuleSpec): { from?: number; to?: number; ruleFrom: number; ruleTo: number } {
  if (hasPorts(s.protocol)) {
    const from = s.min === null ? 0 : s.fromPortZero ? 0 : s.min;
    const to = s.max === null ? 65535 : s.max;
    return { from, to, ruleFrom: from, ruleTo: to };
  }
  if (isIcmp(s.protocol)) {
    const from = s.min ?? -1;
    const to = s.max ?? -1;
    return { from, to, ruleFrom: from, ruleTo: to };
  }
  return { ruleFrom: -1, ruleTo: -1 };
}

/** AWS's text of a rule in InvalidPermission.Duplicate. */
function ruleText(s: RuleSpec): string {
  const peer = s.remoteGroup ? s.remoteGroupId ?? s.remoteGroup : s.cidr;
  const p = portsOf(s);
  const proto = s.protocol === null ? 'ALL' : ec2Protocol(s.protocol).toUpperCase();
  if (hasPorts(s.protocol)) return `peer: ${peer}, ${proto}, from port: ${p.from}, to port: ${p.to}, ALLOW`;
  if (isIcmp(s.protocol)) return `peer: ${peer}, ${proto}, type: ${p.from}, code: ${p.to}, ALLOW`;
  return `peer: ${peer}, ${proto}, ALLOW`;
}

const neutronRule = (groupOsId: string, s: RuleSpec): NewSecurityGroupRule => ({
  securityGroupId: groupOsId, direction: s.direction, ethertype: s.ethertype,
  protocol: s.protocol === null ? null : NEUTRON_NAMES[s.protocol] ?? String(s.protocol),
  portRangeMin: s.min, portRangeMax: s.max,
  remoteIpPrefix: s.remoteGroup ? null : s.cidr, remoteGroupId: s.remoteGroup,
  description: s.description,
});

function presentRule(ctx: ActionContext, v: RuleView, sgIdOf: Map<string, string>): SecurityGroupRule {
  const s = specOfRecord(v.record, sgIdOf, v.resource.attrs);
  const p = portsOf(s);
  return {
    SecurityGroupRuleId: v.resource.id,
    GroupId: v.groupId,
    GroupOwnerId: ctx.principal.ownerId,
    IsEgress: s.direction === 'egress',
    IpProtocol: ec2Protocol(s.protocol),
    FromPort: p.ruleFrom,
    ToPort: p.ruleTo,
    CidrIpv4: s.cidr && s.ethertype === 'IPv4' ? s.cidr : undefined,
    CidrIpv6: s.cidr && s.ethertype === 'IPv6' ? s.cidr : undefined,
    ReferencedGroupInfo: s.remoteGroup ? { GroupId: s.remoteGroupId, UserId: ctx.principal.ownerId } : undefined,
    Description: s.description || undefined,
    Tags: v.tags,
    SecurityGroupRuleArn: `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:security-group-rule/${v.resource.id}`,
  };
}

/** A group's rules of one direction as AWS groups them: one IpPermission per protocol and port range. */
function permissionsOf(ctx: ActionContext, rules: RuleView[], direction: Direction, sgIdOf: Map<string, string>): IpPermission[] {
  const out = new Map<string, IpPermission>();
  for (const v of rules) {
    if (v.record.direction !== direction) continue;
    const s = specOfRecord(v.record, sgIdOf, v.resource.attrs);
    if (s.remoteGroup && !s.remoteGroupId) continue; // a peer EC2 cannot name (another project's, Neutron's own default)
    const p = portsOf(s);
    const key = `${ec2Protocol(s.protocol)}|${p.from ?? ''}|${p.to ?? ''}`;
    let perm = out.get(key);
    if (!perm) {
      perm = {
        IpProtocol: ec2Protocol(s.protocol), FromPort: p.from, ToPort: p.to,
        UserIdGroupPairs: [], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [],
      };
      out.set(key, perm);
    }
    const description = s.description || undefined;
    if (s.remoteGroup) perm.UserIdGroupPairs?.push({ Description: description, UserId: ctx.principal.ownerId, GroupId: s.remoteGroupId });
    else if (s.ethertype === 'IPv4') perm.IpRanges?.push({ Description: description, CidrIp: s.cidr ?? undefined });
    else perm.Ipv6Ranges?.push({ Description: description, CidrIpv6: s.cidr ?? undefined });
  }
  return [...out.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// Loading: one list of groups upstream (rules embedded), mappings in the store

const VPC_NAMED = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const PENDING_MS = 120_000;

async function defaultVpc(ctx: ActionContext): Promise<Resource<VpcAttrs> | undefined> {
  await ensureDefaultVpc(ctx);
  return (await ctx.store.resources.list<VpcAttrs>(ctx.projectId, ctx.region, 'vpc')).find((v) => v.attrs.isDefault);
}

/** The project's groups (or those of the given EC2 ids) with their rules, mapped. */
async function loadGroups(ctx: ActionContext, ids?: string[]): Promise<Snapshot> {
  const net = ctx.cloud.network;
  let osIds: string[] | undefined;
  if (ids) {
    osIds = (await ctx.store.resources.findMany(ctx.projectId, ctx.region, ids)).filter((r) => r.kind === 'security-group').map((r) => r.osId);
    if (osIds.length === 0) return { groups: [], sgIdOf: new Map(), nameOf: new Map() };
  }
  const { items: records } = await net.listSecurityGroups(ctx.cloudCtx, osIds ? { ids: osIds } : undefined);
  // First sight of groups made outside EC2: they belong to the default VPC (when there is one).
  let home: string | undefined;
  if (!ids) {
    const known = new Set((await ctx.store.resources.byOsIds(ctx.projectId, ctx.region, 'security-group', records.map((r) => r.id))).map((r) => r.osId));
    if (records.some((r) => !known.has(r.id) && r.name !== 'default' && !VPC_NAMED.test(r.name))) home = (await defaultVpc(ctx))?.id;
  }
  const groups = await mapCloudObjects(ctx, 'security-group', records, {
    osId: (r) => r.id,
    firstSight: (r) => {
      // Neutron's own default group, VPC default groups EC2 does not know (or is still making), and no default VPC.
      if (ids || r.name === 'default' || VPC_NAMED.test(r.name) || !home) return undefined;
      return { vpcId: home, groupName: r.name, description: r.description, isDefault: false } satisfies SecurityGroupAttrs;
    },
    authoritative: { osIds, stillExists: async (id) => (await net.getSecurityGroup(ctx.cloudCtx, id)) !== undefined },
  });
  const sgIdOf = new Map(groups.map((g) => [g.record.id, g.resource.id]));
  const nameOf = new Map(groups.map((g) => [g.resource.id, (g.resource.attrs as unknown as SecurityGroupAttrs).groupName]));
  // Peers that were not loaded (a Describe by ids): their EC2 ids from the store.
  const peers = [...new Set(records.flatMap((g) => g.rules.map((r) => r.remoteGroupId).filter((x): x is string => !!x && !sgIdOf.has(x))))];
  if (peers.length) {
    for (const r of await ctx.store.resources.byOsIds<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group', peers)) {
      sgIdOf.set(r.osId, r.id);
      nameOf.set(r.id, r.attrs.groupName);
    }
  }
  const rules = groups.flatMap((g) => g.record.rules);
  const mappedRules = await mapCloudObjects(ctx, 'security-group-rule', rules, {
    osId: (r) => r.id,
    firstSight: (r) => ({ groupId: sgIdOf.get(r.securityGroupId) as string }) satisfies SecurityGroupRuleAttrs,
    authoritative: ids ? undefined : {
      stillExists: async (id) => {
        const [m] = await ctx.store.resources.byOsIds<RuleAttrs>(ctx.projectId, ctx.region, 'security-group-rule', [id]);
        if (m?.attrs.pendingSince && Date.now() - Date.parse(m.attrs.pendingSince) < PENDING_MS) return true;
        return (await net.listSecurityGroupRules(ctx.cloudCtx, { ids: [id] })).items.length > 0;
      },
    },
  });
  const rulesOf = new Map<string, RuleView[]>();
  for (const m of mappedRules) {
    const groupId = sgIdOf.get(m.record.securityGroupId) as string;
    const list = rulesOf.get(groupId) ?? [];
    list.push({ resource: m.resource as unknown as Resource<RuleAttrs>, record: m.record, tags: m.tags, groupId });
    rulesOf.set(groupId, list);
  }
  return {
    groups: groups.map((g) => ({
      resource: g.resource as unknown as Resource<SecurityGroupAttrs>, record: g.record, tags: g.tags, rules: rulesOf.get(g.resource.id) ?? [],
    })),
    sgIdOf, nameOf,
  };
}

/** One group named by the client (GroupId, or GroupName in the default VPC), loaded with its rules. */
async function requireGroup(ctx: ActionContext, groupId: string | undefined, groupName?: string, param = 'GroupId'): Promise<{ group: GroupView; snap: Snapshot }> {
  let id = groupId;
  if (id === undefined) {
    if (groupName === undefined) throw ERRORS.missingParameter('GroupId');
    id = (await groupByName(ctx, groupName)).id;
  } else {
    await requireResource(ctx, 'security-group', id, param);
  }
  const snap = await loadGroups(ctx);
  const group = snap.groups.find((g) => g.resource.id === id);
  if (!group) throw ERRORS.idNotFound('security-group', [id]);
  return { group, snap };
}

/** A group of the default VPC by name (AWS: names address only the default VPC's groups). */
async function groupByName(ctx: ActionContext, name: string): Promise<Resource<SecurityGroupAttrs>> {
  const vpc = await defaultVpc(ctx);
  const found = vpc && (await ctx.store.resources.list<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group'))
    .find((g) => g.attrs.vpcId === vpc.id && g.attrs.groupName.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw ec2Error('InvalidGroup.NotFound', vpc
      ? `The security group '${name}' does not exist in default VPC '${vpc.id}'`
      : `The security group '${name}' does not exist`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Groups

function presentGroup(ctx: ActionContext, g: GroupView, snap: Snapshot): SecurityGroup {
  const a = g.resource.attrs;
  return {
    GroupId: g.resource.id,
    IpPermissionsEgress: permissionsOf(ctx, g.rules, 'egress', snap.sgIdOf),
    Tags: tagSet(g.tags),
    VpcId: a.vpcId,
    SecurityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:security-group/${g.resource.id}`,
    OwnerId: ctx.principal.ownerId,
    GroupName: a.groupName,
    Description: a.description,
    IpPermissions: permissionsOf(ctx, g.rules, 'ingress', snap.sgIdOf),
  };
}

const VALID_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

function validateText(param: string, value: string | undefined): string {
  if (value === undefined) throw ERRORS.missingParameter(param);
  if (value.length === 0) throw ERRORS.invalidParameterValue(param, value, 'The value cannot be empty.');
  if (value.length > 255) throw ERRORS.invalidParameterValue(param, value, 'It can be at most 255 characters.');
  if (!/^[\x20-\x7e]*$/.test(value)) throw ERRORS.invalidParameterValue(param, value, 'Character sets beyond ASCII are not supported.');
  if (!VALID_TEXT.test(value)) throw ERRORS.invalidParameterValue(param, value, 'Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*');
  return value;
}

defineAction('CreateSecurityGroup', {
  supports: ['GroupName', 'Description', 'VpcId', 'TagSpecifications'],
  async handler(ctx, input) {
    const name = validateText('GroupName', input.GroupName);
    const description = validateText('GroupDescription', input.Description);
    if (name.toLowerCase().startsWith('sg-')) throw ERRORS.invalidParameterValue('GroupName', name, 'Group names may not be in the format sg-*');
    if (name.toLowerCase() === 'default') throw ec2Error('InvalidGroup.Reserved', "The security group 'default' is reserved");
    const tags = tagsFromSpecifications(input.TagSpecifications, ['security-group']).get('security-group') ?? [];
    let vpc: Resource<VpcAttrs>;
    if (input.VpcId !== undefined) vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    else {
      const found = await defaultVpc(ctx);
      if (!found) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
      vpc = found;
    }
    const check = async (list: Resource<SecurityGroupAttrs>[]) => {
      const inVpc = list.filter((g) => g.attrs.vpcId === vpc.id);
      if (inVpc.some((g) => g.attrs.groupName.toLowerCase() === name.toLowerCase())) {
        throw ec2Error('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpc.id}'`);
      }
      if (inVpc.length >= ctx.config.vpc.max_security_groups_per_vpc) {
        throw ec2Error('SecurityGroupLimitExceeded', 'The maximum number of security groups for the VPC has been reached.');
      }
    };
    await check(await ctx.store.resources.list<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group'));
    const attrs: SecurityGroupAttrs = { vpcId: vpc.id, groupName: name, description, isDefault: false };
    const resource = await createWithUndo(ctx, async (undo) => {
      let group: SecurityGroupRecord;
      try {
        group = await makeGroup(ctx, undo, name, description, vpc.attrs.ipv6Associations.length > 0);
      } catch (e) {
        if (isProviderError(e, 'QuotaExceeded')) throw ec2Error('SecurityGroupLimitExceeded', `The maximum number of security groups has been reached (cloud quota: ${e.message}).`);
        throw e;
      }
      return ctx.store.transaction(async (tx) => {
        await check(await tx.resources.list<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group'));
        let r = await tx.resources.create<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group', group.id, attrs);
        if (r.attrs.vpcId !== attrs.vpcId || r.attrs.groupName !== attrs.groupName) {
          // A concurrent Describe saw the new Neutron group first and mapped it as made outside EC2: keep its id, store ours.
          await tx.resources.updateAttrs(ctx.projectId, r.id, attrs);
          r = { ...r, attrs };
        }
        await writeCreateTags(tx, ctx.projectId, r.id, tags);
        return r;
      });
    });
    return {
      GroupId: resource.id, Tags: tags.length ? tags : undefined,
      SecurityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:security-group/${resource.id}`,
    };
  },
});

defineAction('DeleteSecurityGroup', {
  supports: ['GroupId', 'GroupName'],
  async handler(ctx, input) {
    let resource: Resource<SecurityGroupAttrs>;
    if (input.GroupId !== undefined) {
      resource = await requireResource<SecurityGroupAttrs>(ctx, 'security-group', input.GroupId, 'GroupId');
      if (input.GroupName !== undefined && input.GroupName !== resource.attrs.groupName) {
        throw ERRORS.invalidParameterCombination(`GroupId ${input.GroupId} does not name the security group '${input.GroupName}'`);
      }
    } else if (input.GroupName !== undefined) {
      resource = await groupByName(ctx, input.GroupName);
    } else {
      throw ERRORS.missingParameter('GroupId or GroupName');
    }
    if (resource.attrs.isDefault) {
      throw ec2Error('CannotDelete', `the specified group: "${resource.id}" name: "default" cannot be deleted by a user`);
    }
    const dependent = () => ec2Error('DependencyViolation', `resource ${resource.id} has a dependent object`);
    // Neutron would delete the rules of other groups that name this one: AWS refuses instead.
    const { items: all } = await ctx.cloud.network.listSecurityGroups(ctx.cloudCtx);
    if (all.some((g) => g.id !== resource.osId && g.rules.some((r) => r.remoteGroupId === resource.osId))) throw dependent();
    try {
      await ctx.cloud.network.deleteSecurityGroup(ctx.cloudCtx, resource.osId);
    } catch (e) {
      if (isProviderError(e, 'InUse')) throw dependent();
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    const rules = (await ctx.store.resources.list<SecurityGroupRuleAttrs>(ctx.projectId, ctx.region, 'security-group-rule'))
      .filter((r) => r.attrs.groupId === resource.id);
    await ctx.store.resources.delete(ctx.projectId, [resource.id, ...rules.map((r) => r.id)]);
    return { Return: true, GroupId: resource.id };
  },
});

const ipFilters = (prefix: string, direction: Direction): FilterTable<GroupSnap> => {
  const specs = (g: GroupSnap) => g.group.rules.filter((r) => r.record.direction === direction)
    .map((r) => specOfRecord(r.record, g.snap.sgIdOf, r.resource.attrs));
  return {
    [`${prefix}.cidr`]: (g) => specs(g).filter((s) => s.ethertype === 'IPv4' && s.cidr).map((s) => s.cidr),
    [`${prefix}.ipv6-cidr`]: (g) => specs(g).filter((s) => s.ethertype === 'IPv6' && s.cidr).map((s) => s.cidr),
    [`${prefix}.from-port`]: (g) => specs(g).map((s) => portsOf(s).from).filter((x) => x !== undefined),
    [`${prefix}.to-port`]: (g) => specs(g).map((s) => portsOf(s).to).filter((x) => x !== undefined),
    [`${prefix}.group-id`]: (g) => specs(g).map((s) => s.remoteGroupId).filter((x) => x !== undefined),
    [`${prefix}.group-name`]: (g) => specs(g).map((s) => s.remoteGroupId && g.snap.nameOf.get(s.remoteGroupId)).filter((x) => !!x),
    [`${prefix}.prefix-list-id`]: () => [],
    [`${prefix}.protocol`]: (g) => specs(g).flatMap((s) => (s.protocol === null ? ['-1'] : [ec2Protocol(s.protocol), String(s.protocol)])),
    [`${prefix}.user-id`]: (g) => (specs(g).some((s) => s.remoteGroup) ? [g.ctx.principal.ownerId] : []),
  };
};

interface GroupSnap { group: GroupView; snap: Snapshot; ctx: ActionContext; defaultVpcId?: string }

const groupFilters: FilterTable<GroupSnap> = {
  description: (g) => g.group.resource.attrs.description,
  'group-id': (g) => g.group.resource.id,
  'group-name': (g) => g.group.resource.attrs.groupName,
  'owner-id': (g) => g.ctx.principal.ownerId,
  'vpc-id': (g) => g.group.resource.attrs.vpcId,
  ...ipFilters('ip-permission', 'ingress'),
  ...ipFilters('egress.ip-permission', 'egress'),
};

const groupsSpec: DescribeSpec<GroupSnap> = {
  kind: 'security-group',
  action: 'DescribeSecurityGroups',
  idParam: 'GroupId',
  id: (g) => g.group.resource.id,
  // Names address only the default VPC's groups.
  name: (g) => (g.group.resource.attrs.vpcId === g.defaultVpcId ? g.group.resource.attrs.groupName : '\u0000'),
  filters: groupFilters,
  tags: (g) => g.group.tags,
  paging: { min: 5, max: 1000 },
  async load(ctx, q) {
    const snap = await loadGroups(ctx, q.ids && !q.names ? q.ids : undefined);
    const defaultVpcId = q.names ? (await defaultVpc(ctx))?.id : undefined;
    return snap.groups.map((group) => ({ group, snap, ctx, defaultVpcId }));
  },
};

defineAction('DescribeSecurityGroups', {
  supports: ['GroupIds', 'GroupNames', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, groupsSpec, {
      ids: input.GroupIds, names: input.GroupNames, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { SecurityGroups: items.map((g) => presentGroup(ctx, g.group, g.snap)), NextToken: nextToken };
  },
});

defineAction('GetSecurityGroupsForVpc', {
  supports: ['VpcId', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    if (input.VpcId === undefined) throw ERRORS.missingParameter('VpcId');
    const vpc = await requireResource(ctx, 'vpc', input.VpcId, 'VpcId');
    const spec: DescribeSpec<GroupSnap> = {
      ...groupsSpec,
      action: 'GetSecurityGroupsForVpc',
      name: undefined,
      filters: {
        'group-id': groupFilters['group-id'], description: groupFilters.description, 'group-name': groupFilters['group-name'],
        'owner-id': groupFilters['owner-id'], 'primary-vpc-id': groupFilters['vpc-id'],
      },
      async load(c) {
        const snap = await loadGroups(c);
        return snap.groups.filter((g) => g.resource.attrs.vpcId === vpc.id).map((group) => ({ group, snap, ctx: c }));
      },
    };
    const { items, nextToken } = await describe(ctx, spec, { Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken });
    return {
      SecurityGroupForVpcs: items.map(({ group: g }) => ({
        Description: g.resource.attrs.description, GroupName: g.resource.attrs.groupName, OwnerId: ctx.principal.ownerId,
        GroupId: g.resource.id, Tags: tagSet(g.tags), PrimaryVpcId: g.resource.attrs.vpcId,
      })),
      NextToken: nextToken,
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Rules: parsing EC2's permissions

interface FlatRule {
  IpProtocol?: string; FromPort?: number; ToPort?: number; CidrIp?: string;
  SourceSecurityGroupName?: string; SourceSecurityGroupOwnerId?: string; IpPermissions?: IpPermission[];
}

/** The permissions of a request: IpPermissions, or the flat legacy parameters. */
function permissionsOfRequest(input: FlatRule): IpPermission[] {
  const flat = input.IpProtocol !== undefined || input.CidrIp !== undefined || input.FromPort !== undefined || input.ToPort !== undefined
    || input.SourceSecurityGroupName !== undefined || input.SourceSecurityGroupOwnerId !== undefined;
  if (flat && input.IpPermissions?.length) {
    throw ERRORS.invalidParameterCombination('The parameter IpPermissions cannot be used with the parameters IpProtocol, FromPort, ToPort, CidrIp, SourceSecurityGroupName or SourceSecurityGroupOwnerId');
  }
  if (!flat) return input.IpPermissions ?? [];
  if (input.SourceSecurityGroupName !== undefined) {
    if (input.CidrIp !== undefined) throw ERRORS.invalidParameterCombination('The parameter CidrIp cannot be used with the parameter SourceSecurityGroupName');
    const pair = { GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId };
    // AWS: a source group alone grants full TCP, UDP and ICMP access.
    if (input.IpProtocol === undefined) {
      return [
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
        { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
        { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: [pair] },
      ];
    }
    return [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, UserIdGroupPairs: [pair] }];
  }
  if (input.SourceSecurityGroupOwnerId !== undefined) throw ERRORS.missingParameter('SourceSecurityGroupName');
  if (input.IpProtocol === undefined) throw ERRORS.missingParameter('IpProtocol');
  if (input.CidrIp === undefined) throw ERRORS.missingParameter('CidrIp');
  return [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: [{ CidrIp: input.CidrIp }] }];
}

interface ParsedProtocol { protocol: number | null; min: number | null; max: number | null; fromPortZero?: boolean }

/** Protocol and ports of one permission, checked as EC2 checks them. */
function parseProtocol(p: { IpProtocol?: string; FromPort?: number; ToPort?: number }, at: string): ParsedProtocol {
  if (p.IpProtocol === undefined || p.IpProtocol === '') throw ERRORS.missingParameter(`${at}.IpProtocol`);
  const text = p.IpProtocol.toLowerCase();
  const unknown = () => ERRORS.invalidParameterValue(`${at}.IpProtocol`, p.IpProtocol, `Invalid value '${p.IpProtocol}' for IP protocol. Unknown protocol.`);
  let protocol: number | null;
  if (text === '-1') protocol = null;
  else if (/^\d+$/.test(text)) protocol = Number(text);
  else if (text === 'tcp' || text === 'udp' || text === 'icmp' || text === 'icmpv6') protocol = PROTOCOL_NUMBERS[text];
  else throw unknown();
  if (protocol !== null && protocol > 255) throw unknown();
  const from = p.FromPort;
  const to = p.ToPort;
  if (protocol === null) {
    for (const [name, v] of [['FromPort', from], ['ToPort', to]] as const) {
      if (v !== undefined && v !== -1) throw ERRORS.invalidParameterValue(`${at}.${name}`, v, "Ports must be -1 (or absent) with IP protocol '-1' (all traffic).");
    }
    return { protocol, min: null, max: null };
  }
  if (hasPorts(protocol)) {
    if (from === undefined || to === undefined) {
      throw ERRORS.invalidParameterValue(`${at}.FromPort`, from, "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
    }
    for (const [end, v] of [['from', from], ['to', to]] as const) {
      if (v < 0 || v > 65535) throw ERRORS.invalidParameterValue(`${at}.${end === 'from' ? 'FromPort' : 'ToPort'}`, v, `TCP/UDP (${end}) port (${v}) out of range`);
    }
    if (from > to) throw ERRORS.invalidParameterValue(`${at}.FromPort`, from, `Invalid port range ${from}-${to}: the from port is greater than the to port.`);
    if (from <= 1 && to === 65535) return { protocol, min: from === 1 ? 1 : null, max: from === 1 ? 65535 : null };
    if (to === 0) throw ERRORS.invalidParameterValue(`${at}.ToPort`, to, 'Port 0 alone carries no traffic; use a range.');
    return { protocol, min: Math.max(from, 1), max: to, fromPortZero: from === 0 ? true : undefined };
  }
  if (isIcmp(protocol)) {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255) throw ERRORS.invalidParameterValue(`${at}.FromPort`, type, `ICMP type (${type}) out of range`);
    if (code < -1 || code > 255) throw ERRORS.invalidParameterValue(`${at}.ToPort`, code, `ICMP code (${code}) out of range`);
    if (type === -1 && code !== -1) throw ERRORS.invalidParameterValue(`${at}.ToPort`, code, 'The ICMP code must be -1 when the ICMP type is -1 (all types).');
    return { protocol, min: type === -1 ? null : type, max: code === -1 ? null : code };
  }
  // Other protocols: all traffic of the protocol, whatever ports are given (as AWS).
  return { protocol, min: null, max: null };
}

/** The rules a list of permissions asks for in `group`, each checked (peers exist in the same VPC). */
async function specsOfPermissions(
  ctx: ActionContext, group: GroupView, direction: Direction, perms: IpPermission[], param = 'IpPermissions',
): Promise<RuleSpec[]> {
  if (perms.length === 0) throw ERRORS.missingParameter(param);
  const out: RuleSpec[] = [];
  const groupsInStore = await ctx.store.resources.list<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group');
  for (const [i, p] of perms.entries()) {
    const at = `${param}.${i + 1}`;
    const proto = parseProtocol(p, at);
    const base = { direction, ...proto };
    if (p.PrefixListIds?.length) {
      const pl = p.PrefixListIds[0];
      throw ERRORS.invalidParameterValue(`${at}.PrefixListIds.1.PrefixListId`, pl.PrefixListId, 'Prefix lists are not supported by this service.');
    }
    const sources = (p.IpRanges?.length ?? 0) + (p.Ipv6Ranges?.length ?? 0) + (p.UserIdGroupPairs?.length ?? 0);
    if (sources === 0) {
      throw ERRORS.missingParameter(`${at}.IpRanges, ${at}.Ipv6Ranges or ${at}.UserIdGroupPairs (a CIDR block or a security group)`);
    }
    for (const [j, r] of (p.IpRanges ?? []).entries()) {
      const c = r.CidrIp === undefined ? undefined : parseCidr(r.CidrIp);
      if (r.CidrIp === undefined) throw ERRORS.missingParameter(`${at}.IpRanges.${j + 1}.CidrIp`);
      if (c?.version !== 4) throw ERRORS.invalidParameterValue(`${at}.IpRanges.${j + 1}.CidrIp`, r.CidrIp, `CIDR block ${r.CidrIp} is malformed`);
      if (proto.protocol === 58) {
        throw ERRORS.invalidParameterValue(`${at}.IpProtocol`, p.IpProtocol, 'ICMPv6 rules take IPv6 ranges (Ipv6Ranges), not IPv4 ones.');
      }
      out.push({ ...base, ethertype: 'IPv4', cidr: formatCidr(c), remoteGroup: null, description: validateDescription(r.Description, `${at}.IpRanges.${j + 1}.Description`) });
    }
    for (const [j, r] of (p.Ipv6Ranges ?? []).entries()) {
      const c = r.CidrIpv6 === undefined ? undefined : parseCidr(r.CidrIpv6);
      if (r.CidrIpv6 === undefined) throw ERRORS.missingParameter(`${at}.Ipv6Ranges.${j + 1}.CidrIpv6`);
      if (c?.version !== 6) throw ERRORS.invalidParameterValue(`${at}.Ipv6Ranges.${j + 1}.CidrIpv6`, r.CidrIpv6, `CIDR block ${r.CidrIpv6} is malformed`);
      out.push({ ...base, ethertype: 'IPv6', cidr: formatCidr(c), remoteGroup: null, description: validateDescription(r.Description, `${at}.Ipv6Ranges.${j + 1}.Description`) });
    }
    for (const [j, pair] of (p.UserIdGroupPairs ?? []).entries()) {
      const pat = `${at}.Groups.${j + 1}`;
      if (pair.VpcPeeringConnectionId !== undefined) {
        throw ERRORS.invalidParameterValue(`${pat}.VpcPeeringConnectionId`, pair.VpcPeeringConnectionId, 'VPC peering is not supported by this service.');
      }
      if (pair.UserId !== undefined && pair.UserId !== ctx.principal.ownerId) {
        throw ec2Error('InvalidGroup.NotFound', `The security group of user '${pair.UserId}' is not visible to this account: groups of other accounts cannot be referenced.`);
      }
      let peer: Resource<SecurityGroupAttrs> | undefined;
      if (pair.GroupId !== undefined) {
        if (!isValidId('security-group', pair.GroupId)) throw ERRORS.malformedId('security-group', pair.GroupId, `${pat}.GroupId`);
        peer = groupsInStore.find((g) => g.id === pair.GroupId);
        if (!peer) throw ERRORS.idNotFound('security-group', [pair.GroupId]);
      } else if (pair.GroupName !== undefined) {
        peer = groupsInStore.find((g) => g.attrs.vpcId === group.resource.attrs.vpcId && g.attrs.groupName.toLowerCase() === pair.GroupName?.toLowerCase());
        if (!peer) throw ec2Error('InvalidGroup.NotFound', `The security group '${pair.GroupName}' does not exist in VPC '${group.resource.attrs.vpcId}'`);
      } else {
        throw ERRORS.missingParameter(`${pat}.GroupId`);
      }
      if (peer.attrs.vpcId !== group.resource.attrs.vpcId) {
        throw ec2Error('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
      }
      out.push({
        ...base, ethertype: 'IPv4', cidr: null, remoteGroup: peer.osId, remoteGroupId: peer.id,
        description: validateDescription(pair.Description, `${pat}.Description`),
      });
    }
  }
  return out;
}

/** AWS: a rule's description is up to 255 characters of a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*. */
function validateDescription(d: string | undefined, param: string): string {
  if (d === undefined) return '';
  if (d.length > 255) throw ERRORS.invalidParameterValue(param, d, 'It can be at most 255 characters.');
  if (!VALID_TEXT.test(d)) {
    throw ERRORS.invalidParameterValue(param, d, 'Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*');
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Authorize / Revoke

async function authorize(ctx: ActionContext, direction: Direction, input: FlatRule & {
  GroupId?: string; GroupName?: string; TagSpecifications?: TagSpecification[];
}) {
  const perms = permissionsOfRequest(input);
  const tags = tagsFromSpecifications(input.TagSpecifications, ['security-group-rule']).get('security-group-rule') ?? [];
  const { group, snap } = await requireGroup(ctx, input.GroupId, direction === 'ingress' ? input.GroupName : undefined);
  const wanted = await specsOfPermissions(ctx, group, direction, perms);
  const existing = new Set(group.rules.map((r) => specKey(specOfRecord(r.record, snap.sgIdOf, r.resource.attrs))));
  const seen = new Set<string>();
  for (const s of wanted) {
    const key = specKey(s);
    if (existing.has(key) || seen.has(key)) throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${ruleText(s)}" already exists`);
    seen.add(key);
  }
  const count = group.record.rules.filter((r) => r.direction === direction).length;
  if (count + wanted.length > ctx.config.vpc.max_rules_per_security_group) {
    throw ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
  }
  const net = ctx.cloud.network;
  const made = await createWithUndo(ctx, async (undo) => {
    const records: { record: SecurityGroupRuleRecord; spec: RuleSpec }[] = [];
    for (const s of wanted) {
      const record = await undo.step('create security group rule', async () => {
        try {
          return await net.createSecurityGroupRule(ctx.cloudCtx, neutronRule(group.record.id, s));
        } catch (e) {
          throw ruleError(e, s);
        }
      }, (r) => net.deleteSecurityGroupRule(undo.cloudCtx, r.id));
      records.push({ record, spec: s });
    }
    return ctx.store.transaction(async (tx) => {
      const out: RuleView[] = [];
      for (const { record, spec } of records) {
        const attrs: RuleAttrs = { groupId: group.resource.id, ...(spec.fromPortZero ? { fromPortZero: true } : {}) };
        let resource = await tx.resources.create<RuleAttrs>(ctx.projectId, ctx.region, 'security-group-rule', record.id, attrs);
        if (spec.fromPortZero && !resource.attrs.fromPortZero) {
          await tx.resources.updateAttrs(ctx.projectId, resource.id, attrs);
          resource = { ...resource, attrs };
        }
        await writeCreateTags(tx, ctx.projectId, resource.id, tags);
        out.push({ resource, record, tags, groupId: group.resource.id });
      }
      return out;
    });
  });
  return { Return: true, SecurityGroupRules: made.map((v) => presentRule(ctx, v, snap.sgIdOf)) };
}

function ruleError(e: unknown, s: RuleSpec): unknown {
  if (isProviderError(e, 'Conflict')) return ec2Error('InvalidPermission.Duplicate', `the specified rule "${ruleText(s)}" already exists`);
  if (isProviderError(e, 'QuotaExceeded')) return ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
  if (isProviderError(e, 'NotFound')) return ec2Error('InvalidGroup.NotFound', `The security group '${s.remoteGroupId ?? ''}' does not exist`);
  if (isProviderError(e, 'BadRequest')) return ec2Error('InvalidPermission.Malformed', `The cloud refused the rule "${ruleText(s)}": ${e.message}`);
  return e;
}

const authorizeSupports = ['GroupId', 'IpPermissions', 'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'SourceSecurityGroupName',
  'SourceSecurityGroupOwnerId', 'TagSpecifications'] as const;

defineAction('AuthorizeSecurityGroupIngress', {
  supports: [...authorizeSupports, 'GroupName'],
  handler: (ctx, input) => authorize(ctx, 'ingress', input),
});
defineAction('AuthorizeSecurityGroupEgress', {
  supports: authorizeSupports,
  async handler(ctx, input) {
    if (input.GroupId === undefined) throw ERRORS.missingParameter('GroupId');
    return authorize(ctx, 'egress', input);
  },
});

async function revoke(ctx: ActionContext, direction: Direction, input: FlatRule & { GroupId?: string; GroupName?: string; SecurityGroupRuleIds?: string[] }) {
  const perms = permissionsOfRequest(input);
  const ruleIds = input.SecurityGroupRuleIds ?? [];
  if (perms.length === 0 && ruleIds.length === 0) throw ERRORS.missingParameter('IpPermissions or SecurityGroupRuleIds');
  const { group, snap } = await requireGroup(ctx, input.GroupId, direction === 'ingress' ? input.GroupName : undefined);
  const doomed = new Map<string, RuleView>();
  ruleIds.forEach((id, i) => {
    if (!isValidId('security-group-rule', id)) throw ERRORS.malformedId('security-group-rule', id, `SecurityGroupRuleId.${i + 1}`);
  });
  const missingIds: string[] = [];
  for (const id of ruleIds) {
    const v = group.rules.find((r) => r.resource.id === id && r.record.direction === direction);
    if (v) doomed.set(v.resource.id, v);
    else missingIds.push(id);
  }
  if (missingIds.length) throw ERRORS.idNotFound('security-group-rule', missingIds);
  if (perms.length) {
    const wanted = await specsOfPermissions(ctx, group, direction, perms);
    const byKey = new Map(group.rules.map((r) => [specKey(specOfRecord(r.record, snap.sgIdOf, r.resource.attrs)), r]));
    for (const s of wanted) {
      const v = byKey.get(specKey(s));
      if (!v) throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      doomed.set(v.resource.id, v);
    }
  }
  const net = ctx.cloud.network;
  const gone: string[] = [];
  try {
    for (const v of doomed.values()) {
      try {
        await net.deleteSecurityGroupRule(ctx.cloudCtx, v.record.id);
      } catch (e) {
        if (!isProviderError(e, 'NotFound')) throw e;
      }
      gone.push(v.resource.id);
    }
  } finally {
    await ctx.store.resources.delete(ctx.projectId, gone);
  }
  return {
    Return: true,
    RevokedSecurityGroupRules: [...doomed.values()].map((v) => {
      const r = presentRule(ctx, v, snap.sgIdOf);
      return {
        SecurityGroupRuleId: r.SecurityGroupRuleId, GroupId: r.GroupId, IsEgress: r.IsEgress, IpProtocol: r.IpProtocol,
        FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6,
        ReferencedGroupId: r.ReferencedGroupInfo?.GroupId, Description: r.Description,
      };
    }),
  };
}

const revokeSupports = ['GroupId', 'IpPermissions', 'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'SourceSecurityGroupName',
  'SourceSecurityGroupOwnerId', 'SecurityGroupRuleIds'] as const;

defineAction('RevokeSecurityGroupIngress', {
  supports: [...revokeSupports, 'GroupName'],
  handler: (ctx, input) => revoke(ctx, 'ingress', input),
});
defineAction('RevokeSecurityGroupEgress', {
  supports: revokeSupports,
  async handler(ctx, input) {
    if (input.GroupId === undefined) throw ERRORS.missingParameter('GroupId');
    return revoke(ctx, 'egress', input);
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Rule changes: a new Neutron rule under the same sgr- id

/** Replaces rule `v` upstream by `next`, keeping its sgr- id and tags. */
async function replaceRule(ctx: ActionContext, group: GroupView, v: RuleView, next: RuleSpec, sgIdOf: Map<string, string>): Promise<void> {
  const net = ctx.cloud.network;
  const current = specOfRecord(v.record, sgIdOf, v.resource.attrs);
  const sameRule = specKey(current) === specKey(next);
  if (sameRule && current.description === next.description && !!current.fromPortZero === !!next.fromPortZero) return;
  await ctx.store.resources.updateAttrs(ctx.projectId, v.resource.id, { ...v.resource.attrs, pendingSince: new Date().toISOString() });
  let made: SecurityGroupRuleRecord;
  try {
    if (sameRule) {
      // Neutron refuses a second rule equal but for its description: the old one goes first, and comes back on failure.
      await net.deleteSecurityGroupRule(ctx.cloudCtx, v.record.id);
      try {
        made = await net.createSecurityGroupRule(ctx.cloudCtx, neutronRule(group.record.id, next));
      } catch (e) {
        const back = await net.createSecurityGroupRule({ ...ctx.cloudCtx, signal: undefined }, neutronRule(group.record.id, current)).catch(() => undefined);
        if (back) await remap(ctx, v, back, current);
        throw ruleError(e, next);
      }
    } else {
      made = await net.createSecurityGroupRule(ctx.cloudCtx, neutronRule(group.record.id, next)).catch((e) => { throw ruleError(e, next); });
      try {
        await net.deleteSecurityGroupRule(ctx.cloudCtx, v.record.id);
      } catch (e) {
        if (!isProviderError(e, 'NotFound')) {
          await net.deleteSecurityGroupRule({ ...ctx.cloudCtx, signal: undefined }, made.id).catch(() => undefined);
          throw e;
        }
      }
    }
  } catch (e) {
    const { pendingSince: _, ...attrs } = v.resource.attrs;
    await ctx.store.resources.updateAttrs(ctx.projectId, v.resource.id, attrs).catch(() => undefined);
    throw e;
  }
  await remap(ctx, v, made, next);
}

/** Moves rule `v`'s sgr- id and tags to the Neutron rule `record`. */
async function remap(ctx: ActionContext, v: RuleView, record: SecurityGroupRuleRecord, spec: RuleSpec) {
  await ctx.store.transaction(async (tx) => {
    const tags = (await tx.tags.of(ctx.projectId, [v.resource.id])).get(v.resource.id) ?? [];
    const raced = await tx.resources.byOsIds(ctx.projectId, ctx.region, 'security-group-rule', [record.id]);
    await tx.resources.delete(ctx.projectId, [v.resource.id, ...raced.map((r) => r.id)]);
    const attrs: RuleAttrs = { groupId: v.groupId, ...(spec.fromPortZero ? { fromPortZero: true } : {}) };
    await tx.resources.create(ctx.projectId, ctx.region, 'security-group-rule', record.id, attrs, v.resource.id);
    await writeCreateTags(tx, ctx.projectId, v.resource.id, tags);
  });
}

defineAction('ModifySecurityGroupRules', {
  supports: ['GroupId', 'SecurityGroupRules'],
  async handler(ctx, input) {
    if (input.GroupId === undefined) throw ERRORS.missingParameter('GroupId');
    if (!input.SecurityGroupRules?.length) throw ERRORS.missingParameter('SecurityGroupRule');
    const { group, snap } = await requireGroup(ctx, input.GroupId);
    const changes: { v: RuleView; next: RuleSpec }[] = [];
    for (const [i, u] of input.SecurityGroupRules.entries()) {
      const at = `SecurityGroupRule.${i + 1}`;
      if (u.SecurityGroupRuleId === undefined) throw ERRORS.missingParameter(`${at}.SecurityGroupRuleId`);
      if (!isValidId('security-group-rule', u.SecurityGroupRuleId)) throw ERRORS.malformedId('security-group-rule', u.SecurityGroupRuleId, `${at}.SecurityGroupRuleId`);
      const v = group.rules.find((r) => r.resource.id === u.SecurityGroupRuleId);
      if (!v) throw ERRORS.idNotFound('security-group-rule', [u.SecurityGroupRuleId]);
      const r = u.SecurityGroupRule;
      if (!r) throw ERRORS.missingParameter(`${at}.SecurityGroupRule`);
      if (r.PrefixListId !== undefined) throw ERRORS.invalidParameterValue(`${at}.SecurityGroupRule.PrefixListId`, r.PrefixListId, 'Prefix lists are not supported by this service.');
      const given = [r.CidrIpv4, r.CidrIpv6, r.ReferencedGroupId].filter((x) => x !== undefined).length;
      if (given !== 1) {
        throw ERRORS.invalidParameterCombination(`${at}.SecurityGroupRule: exactly one of CidrIpv4, CidrIpv6 and ReferencedGroupId is required`);
      }
      const perm: IpPermission = {
        IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort,
        IpRanges: r.CidrIpv4 !== undefined ? [{ CidrIp: r.CidrIpv4, Description: r.Description }] : undefined,
        Ipv6Ranges: r.CidrIpv6 !== undefined ? [{ CidrIpv6: r.CidrIpv6, Description: r.Description }] : undefined,
        UserIdGroupPairs: r.ReferencedGroupId !== undefined ? [{ GroupId: r.ReferencedGroupId, Description: r.Description }] : undefined,
      };
      const [next] = await specsOfPermissions(ctx, group, v.record.direction, [perm], `${at}.SecurityGroupRule`);
      changes.push({ v, next });
    }
    // A rule equal to another of the group (not one being changed) is a duplicate.
    const changing = new Set(changes.map((c) => c.v.resource.id));
    const others = new Set(group.rules.filter((r) => !changing.has(r.resource.id)).map((r) => specKey(specOfRecord(r.record, snap.sgIdOf, r.resource.attrs))));
    for (const { next } of changes) {
      if (others.has(specKey(next))) throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${ruleText(next)}" already exists`);
      others.add(specKey(next));
    }
    for (const { v, next } of changes) await replaceRule(ctx, group, v, next, snap.sgIdOf);
    return { Return: true };
  },
});

async function updateDescriptions(ctx: ActionContext, direction: Direction, input: {
  GroupId?: string; GroupName?: string; IpPermissions?: IpPermission[]; SecurityGroupRuleDescriptions?: { SecurityGroupRuleId?: string; Description?: string }[];
}) {
  const { group, snap } = await requireGroup(ctx, input.GroupId, input.GroupName);
  const changes: { v: RuleView; next: RuleSpec }[] = [];
  const ofDirection = group.rules.filter((r) => r.record.direction === direction);
  if (input.IpPermissions?.length) {
    const wanted = await specsOfPermissions(ctx, group, direction, input.IpPermissions);
    const byKey = new Map(ofDirection.map((r) => [specKey(specOfRecord(r.record, snap.sgIdOf, r.resource.attrs)), r]));
    for (const s of wanted) {
      const v = byKey.get(specKey(s));
      if (!v) throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      changes.push({ v, next: { ...specOfRecord(v.record, snap.sgIdOf, v.resource.attrs), description: s.description } });
    }
  }
  for (const [i, d] of (input.SecurityGroupRuleDescriptions ?? []).entries()) {
    const at = `SecurityGroupRuleDescription.${i + 1}`;
    if (d.SecurityGroupRuleId === undefined) throw ERRORS.missingParameter(`${at}.SecurityGroupRuleId`);
    if (!isValidId('security-group-rule', d.SecurityGroupRuleId)) throw ERRORS.malformedId('security-group-rule', d.SecurityGroupRuleId, `${at}.SecurityGroupRuleId`);
    const v = ofDirection.find((r) => r.resource.id === d.SecurityGroupRuleId);
    if (!v) throw ERRORS.idNotFound('security-group-rule', [d.SecurityGroupRuleId]);
    changes.push({ v, next: { ...specOfRecord(v.record, snap.sgIdOf, v.resource.attrs), description: validateDescription(d.Description ?? '', `${at}.Description`) } });
  }
  if (changes.length === 0) throw ERRORS.missingParameter('IpPermissions or SecurityGroupRuleDescriptions');
  for (const { v, next } of changes) await replaceRule(ctx, group, v, next, snap.sgIdOf);
  return { Return: true };
}

defineAction('UpdateSecurityGroupRuleDescriptionsIngress', {
  supports: ['GroupId', 'GroupName', 'IpPermissions', 'SecurityGroupRuleDescriptions'],
  handler: (ctx, input) => updateDescriptions(ctx, 'ingress', input),
});
defineAction('UpdateSecurityGroupRuleDescriptionsEgress', {
  supports: ['GroupId', 'GroupName', 'IpPermissions', 'SecurityGroupRuleDescriptions'],
  handler: (ctx, input) => updateDescriptions(ctx, 'egress', input),
});

// ---------------------------------------------------------------------------------------------------------------
// DescribeSecurityGroupRules

interface RuleSnap { rule: RuleView; snap: Snapshot }

const rulesSpec: DescribeSpec<RuleSnap> = {
  kind: 'security-group-rule',
  action: 'DescribeSecurityGroupRules',
  idParam: 'SecurityGroupRuleId',
  id: (r) => r.rule.resource.id,
  filters: {
    'group-id': (r) => r.rule.groupId,
    'security-group-rule-id': (r) => r.rule.resource.id,
  },
  tags: (r) => r.rule.tags,
  paging: { min: 5, max: 1000 },
  async load(ctx) {
    const snap = await loadGroups(ctx);
    return snap.groups.flatMap((g) => g.rules.map((rule) => ({ rule, snap })));
  },
};

defineAction('DescribeSecurityGroupRules', {
  supports: ['SecurityGroupRuleIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, rulesSpec, {
      ids: input.SecurityGroupRuleIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { SecurityGroupRules: items.map((r) => presentRule(ctx, r.rule, r.snap.sgIdOf)), NextToken: nextToken };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// References across VPCs: without VPC peering there are none.

defineAction('DescribeSecurityGroupReferences', {
  supports: ['GroupId'],
  async handler(ctx, input) {
    if (!input.GroupId?.length) throw ERRORS.missingParameter('GroupId');
    await requireResources(ctx, 'security-group', input.GroupId, 'GroupId');
    return { SecurityGroupReferenceSet: [] };
  },
});

defineAction('DescribeStaleSecurityGroups', {
  supports: ['VpcId', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    if (input.VpcId === undefined) throw ERRORS.missingParameter('VpcId');
    await requireResource(ctx, 'vpc', input.VpcId, 'VpcId');
    pageRequest(input, { action: 'DescribeStaleSecurityGroups', min: 5, max: 255, query: { v: input.VpcId, r: ctx.region } });
    return { StaleSecurityGroupSet: [] };
  },
});

