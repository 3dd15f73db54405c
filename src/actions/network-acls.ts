/**
 * Network ACLs: DescribeNetworkAcls, CreateNetworkAcl, DeleteNetworkAcl, CreateNetworkAclEntry,
 * ReplaceNetworkAclEntry, DeleteNetworkAclEntry, ReplaceNetworkAclAssociation. Kept in the store and shown as AWS
 * shows them; not realized upstream (Neutron has no stateless subnet filter in its core API), which the README says.
 *
 * Every subnet is associated with exactly one ACL of its VPC: an explicit association (ReplaceNetworkAclAssociation)
 * is stored on its ACL; a subnet without one belongs to the VPC's default ACL, under an association id derived from
 * the subnet's id (`aclassoc-<subnet hex>`), so it is stable and needs no write when a subnet is made.
 */
import type { NetworkAcl, NetworkAclAssociation, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { formatCidr, parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { withClientToken } from '../resources/client-token.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource } from '../resources/lookup.js';
import type { Resource, Store } from '../store/store.js';
import type { NetworkAclAttrs, NetworkAclEntryAttrs, SubnetAttrs, VpcAttrs } from '../vpc/model.js';
import { loadOwnViews, type OwnView } from '../vpc/views.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';
import { ensureDefaultVpc } from './vpcs.js';

type Acl = Resource<NetworkAclAttrs>;
interface AclView extends OwnView<NetworkAclAttrs> { associations: { associationId: string; subnetId: string }[] }

/** AWS's default quota of rules per ACL and direction. */
const MAX_ENTRIES_PER_DIRECTION = 20;

const implicitAssociationId = (subnetId: string) => `aclassoc-${subnetId.slice('subnet-'.length)}`;

/** Every ACL's associations: its explicit ones with existing subnets, and for default ACLs the subnets no other ACL has. */
function effectiveAssociations(acls: Acl[], subnets: Resource<SubnetAttrs>[]): Map<string, { associationId: string; subnetId: string }[]> {
  const existing = new Set(subnets.map((s) => s.id));
  const out = new Map(acls.map((a) => [a.id, a.attrs.associations.filter((x) => existing.has(x.subnetId))]));
  const explicit = new Set([...out.values()].flat().map((x) => x.subnetId));
  const defaults = new Map(acls.filter((a) => a.attrs.isDefault).map((a) => [a.attrs.vpcId, a.id]));
  for (const s of subnets) {
    const acl = defaults.get(s.attrs.vpcId);
    if (acl && !explicit.has(s.id)) out.get(acl)?.push({ associationId: implicitAssociationId(s.id), subnetId: s.id });
  }
  return out;
}

async function loadAssociations(ctx: ActionContext, store: Store) {
  const [acls, subnets] = await Promise.all([
    store.resources.list<NetworkAclAttrs>(ctx.projectId, ctx.region, 'network-acl'),
    store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet'),
  ]);
  return { acls, subnets, associations: effectiveAssociations(acls, subnets) };
}

function presentEntry(e: NetworkAclEntryAttrs): NetworkAclEntry {
  return {
    CidrBlock: e.cidrBlock,
    Egress: e.egress,
    IcmpTypeCode: e.icmpTypeCode ? { Type: e.icmpTypeCode.type, Code: e.icmpTypeCode.code } : undefined,
    Ipv6CidrBlock: e.ipv6CidrBlock,
    PortRange: e.portRange ? { From: e.portRange.from, To: e.portRange.to } : undefined,
    Protocol: e.protocol,
    RuleAction: e.ruleAction,
    RuleNumber: e.ruleNumber,
  };
}

/** AWS lists the egress entries first, each direction by rule number. */
const entryOrder = (a: NetworkAclEntryAttrs, b: NetworkAclEntryAttrs) => Number(b.egress) - Number(a.egress) || a.ruleNumber - b.ruleNumber;

export function presentNetworkAcl(v: AclView): NetworkAcl {
  const a = v.resource.attrs;
  return {
    Associations: v.associations.map((x): NetworkAclAssociation => ({ NetworkAclAssociationId: x.associationId, NetworkAclId: v.resource.id, SubnetId: x.subnetId })),
    Entries: [...a.entries].sort(entryOrder).map(presentEntry),
    IsDefault: a.isDefault,
    NetworkAclId: v.resource.id,
    Tags: tagSet(v.tags),
    VpcId: a.vpcId,
    OwnerId: v.ownerId,
  };
}

const entries = (v: AclView) => v.resource.attrs.entries;
const aclFilters: FilterTable<AclView> = {
  'association.association-id': (v) => v.associations.map((x) => x.associationId),
  'association.network-acl-id': (v) => (v.associations.length ? v.resource.id : undefined),
  'association.subnet-id': (v) => v.associations.map((x) => x.subnetId),
  default: (v) => v.resource.attrs.isDefault,
  'entry.cidr': (v) => entries(v).map((e) => e.cidrBlock),
  'entry.icmp.code': (v) => entries(v).map((e) => e.icmpTypeCode?.code),
  'entry.icmp.type': (v) => entries(v).map((e) => e.icmpTypeCode?.type),
  'entry.ipv6-cidr': (v) => entries(v).map((e) => e.ipv6CidrBlock),
  'entry.port-range.from': (v) => entries(v).map((e) => e.portRange?.from),
  'entry.port-range.to': (v) => entries(v).map((e) => e.portRange?.to),
  'entry.protocol': (v) => entries(v).map((e) => e.protocol),
  'entry.rule-action': (v) => entries(v).map((e) => e.ruleAction),
  'entry.egress': (v) => entries(v).map((e) => e.egress),
  'entry.rule-number': (v) => entries(v).map((e) => e.ruleNumber),
  'network-acl-id': (v) => v.resource.id,
  'owner-id': (v) => v.ownerId,
  'vpc-id': (v) => v.resource.attrs.vpcId,
};

export const networkAclsSpec: DescribeSpec<AclView> = {
  kind: 'network-acl',
  action: 'DescribeNetworkAcls',
  idParam: 'NetworkAclId',
  id: (v) => v.resource.id,
  filters: aclFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 100 },
  async load(ctx, q) {
    const [views, subnets] = await Promise.all([
      loadOwnViews<NetworkAclAttrs>(ctx, 'network-acl', q.ids),
      ctx.store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet'),
    ]);
    // The implicit associations of a default ACL depend on the VPC's other ACLs: read them when only some are asked for.
    const acls = q.ids ? await ctx.store.resources.list<NetworkAclAttrs>(ctx.projectId, ctx.region, 'network-acl') : views.map((v) => v.resource);
    const associations = effectiveAssociations(acls, subnets);
    return views.map((v) => ({ ...v, associations: associations.get(v.resource.id) ?? [] }));
  },
};

/** The deny-all rules (*) every ACL ends with; IPv6 ones when the VPC has an IPv6 block. */
export function finalEntries(vpc: VpcAttrs): NetworkAclEntryAttrs[] {
  return [false, true].flatMap((egress) => [
    { ruleNumber: 32767, egress, protocol: '-1', ruleAction: 'deny' as const, cidrBlock: '0.0.0.0/0' },
    ...(vpc.ipv6Associations.length ? [{ ruleNumber: 32768, egress, protocol: '-1', ruleAction: 'deny' as const, ipv6CidrBlock: '::/0' }] : []),
  ]);
}

// --- entries --------------------------------------------------------------------------------------------------------

const PROTOCOL_NAMES: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

interface EntryInput {
  RuleNumber?: number; Protocol?: string; RuleAction?: string; Egress?: boolean;
  CidrBlock?: string; Ipv6CidrBlock?: string; IcmpTypeCode?: { Type?: number; Code?: number }; PortRange?: { From?: number; To?: number };
}

function entryOf(input: EntryInput): NetworkAclEntryAttrs {
  const n = input.RuleNumber;
  if (n === undefined) throw ERRORS.missingParameter('RuleNumber');
  if (!Number.isInteger(n) || n < 1 || n > 32766) throw ERRORS.invalidParameterValue('RuleNumber', n, 'Rule numbers are from 1 to 32766.');
  if (input.Protocol === undefined) throw ERRORS.missingParameter('Protocol');
  const raw = input.Protocol.toLowerCase();
  const protocol = PROTOCOL_NAMES[raw] ?? raw;
  if (protocol !== '-1' && !(/^\d+$/.test(protocol) && Number(protocol) <= 255)) {
    throw ERRORS.invalidParameterValue('Protocol', input.Protocol, 'Give a protocol number (0-255), -1 for all, or tcp, udp, icmp.');
  }
  if (input.RuleAction !== 'allow' && input.RuleAction !== 'deny') {
    if (input.RuleAction === undefined) throw ERRORS.missingParameter('RuleAction');
    throw ERRORS.invalidParameterValue('RuleAction', input.RuleAction, "Valid values: 'allow', 'deny'.");
  }
  if (input.CidrBlock !== undefined && input.Ipv6CidrBlock !== undefined) {
    throw ERRORS.invalidParameterCombination('The parameter cidrBlock cannot be used with the parameter ipv6CidrBlock');
  }
  if (input.CidrBlock === undefined && input.Ipv6CidrBlock === undefined) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter cidrBlock or ipv6CidrBlock');
  }
  const block = (text: string, version: 4 | 6, param: string) => {
    const c = parseCidr(text);
    if (c?.version !== version) throw ERRORS.invalidParameterValue(param, text, 'This is not a valid CIDR block.');
    return formatCidr(c);
  };
  const entry: NetworkAclEntryAttrs = {
    ruleNumber: n, egress: input.Egress ?? false, protocol, ruleAction: input.RuleAction,
    ...(input.CidrBlock !== undefined ? { cidrBlock: block(input.CidrBlock, 4, 'CidrBlock') } : { ipv6CidrBlock: block(input.Ipv6CidrBlock as string, 6, 'Ipv6CidrBlock') }),
  };
  if (protocol === '6' || protocol === '17') {
    const p = input.PortRange;
    if (p?.From === undefined || p.To === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter portRange');
    if (p.From < 0 || p.To > 65535 || p.From > p.To) throw ERRORS.invalidParameterValue('PortRange', `${p.From}-${p.To}`, 'Ports are from 0 to 65535, From not above To.');
    entry.portRange = { from: p.From, to: p.To };
  }
  if (protocol === '1' || protocol === '58') {
    const t = input.IcmpTypeCode;
    if (t?.Type === undefined || t.Code === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter icmpTypeCode');
    entry.icmpTypeCode = { type: t.Type, code: t.Code };
  }
  return entry;
}

const sameSlot = (a: NetworkAclEntryAttrs, b: { ruleNumber: number; egress: boolean }) => a.ruleNumber === b.ruleNumber && a.egress === b.egress;

const requireAcl = (ctx: ActionContext, id: string, store: Store) => requireResource<NetworkAclAttrs>(ctx, 'network-acl', id, 'NetworkAclId', store);

defineAction('DescribeNetworkAcls', {
  supports: ['NetworkAclIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, networkAclsSpec, {
      ids: input.NetworkAclIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { NetworkAcls: items.map(presentNetworkAcl), NextToken: nextToken };
  },
});

defineAction('CreateNetworkAcl', {
  supports: ['VpcId', 'TagSpecifications', 'ClientToken'],
  async handler(ctx, input) {
    const tags = tagsFromSpecifications(input.TagSpecifications, ['network-acl']).get('network-acl') ?? [];
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const view = await ctx.store.transaction(async (tx) => {
        const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId', tx);
        const resource = await tx.resources.createOwn<NetworkAclAttrs>(ctx.projectId, ctx.region, 'network-acl', {
          vpcId: vpc.id, isDefault: false, entries: finalEntries(vpc.attrs), associations: [],
        }, newId('network-acl'));
        await writeCreateTags(tx, ctx.projectId, resource.id, tags);
        return { resource, tags, ownerId: ctx.principal.ownerId, associations: [] };
      });
      return { NetworkAcl: presentNetworkAcl(view), ClientToken: input.ClientToken };
    });
  },
});

defineAction('DeleteNetworkAcl', {
  supports: ['NetworkAclId'],
  async handler(ctx, input) {
    await ctx.store.transaction(async (tx) => {
      const acl = await requireAcl(ctx, input.NetworkAclId, tx);
      if (acl.attrs.isDefault) throw new Ec2Error('InvalidParameterValue', `cannot delete default network ACL ${acl.id}`);
      const { associations } = await loadAssociations(ctx, tx);
      if (associations.get(acl.id)?.length) throw ec2Error('DependencyViolation', `The networkAcl '${acl.id}' has dependencies and cannot be deleted.`);
      await tx.resources.delete(ctx.projectId, [acl.id]);
    });
    return {};
  },
});

async function changeEntries(ctx: ActionContext, aclId: string, change: (acl: Acl) => NetworkAclEntryAttrs[]) {
  await ctx.store.transaction(async (tx) => {
    const acl = await requireAcl(ctx, aclId, tx);
    await tx.resources.updateAttrs(ctx.projectId, acl.id, { ...acl.attrs, entries: change(acl) } satisfies NetworkAclAttrs);
  });
}

const entryNotFound = (n: number, egress: boolean) =>
  ec2Error('InvalidNetworkAclEntry.NotFound', `The network acl entry identified by ${n} (${egress ? 'egress' : 'ingress'}) does not exist.`);

defineAction('CreateNetworkAclEntry', {
  supports: ['NetworkAclId', 'RuleNumber', 'Protocol', 'RuleAction', 'Egress', 'CidrBlock', 'Ipv6CidrBlock', 'IcmpTypeCode', 'PortRange'],
  async handler(ctx, input) {
    const entry = entryOf(input);
    await changeEntries(ctx, input.NetworkAclId, (acl) => {
      if (acl.attrs.entries.some((e) => sameSlot(e, entry))) {
        throw ec2Error('NetworkAclEntryAlreadyExists', `The network acl entry identified by ${entry.ruleNumber} already exists.`);
      }
      if (acl.attrs.entries.filter((e) => e.egress === entry.egress && e.ruleNumber < 32767).length >= MAX_ENTRIES_PER_DIRECTION) {
        throw ec2Error('NetworkAclEntryLimitExceeded', `The maximum number of ${entry.egress ? 'egress' : 'ingress'} entries of network ACL ${acl.id} has been reached.`);
      }
      return [...acl.attrs.entries, entry];
    });
    return {};
  },
});

defineAction('ReplaceNetworkAclEntry', {
  supports: ['NetworkAclId', 'RuleNumber', 'Protocol', 'RuleAction', 'Egress', 'CidrBlock', 'Ipv6CidrBlock', 'IcmpTypeCode', 'PortRange'],
  async handler(ctx, input) {
    const entry = entryOf(input);
    await changeEntries(ctx, input.NetworkAclId, (acl) => {
      if (!acl.attrs.entries.some((e) => sameSlot(e, entry))) throw entryNotFound(entry.ruleNumber, entry.egress);
      return acl.attrs.entries.map((e) => (sameSlot(e, entry) ? entry : e));
    });
    return {};
  },
});

defineAction('DeleteNetworkAclEntry', {
  supports: ['NetworkAclId', 'RuleNumber', 'Egress'],
  async handler(ctx, input) {
    const slot = { ruleNumber: input.RuleNumber as number, egress: input.Egress ?? false };
    if (!Number.isInteger(slot.ruleNumber) || slot.ruleNumber < 1 || slot.ruleNumber > 32766) {
      throw ERRORS.invalidParameterValue('RuleNumber', slot.ruleNumber, 'Rule numbers are from 1 to 32766.');
    }
    await changeEntries(ctx, input.NetworkAclId, (acl) => {
      if (!acl.attrs.entries.some((e) => sameSlot(e, slot))) throw entryNotFound(slot.ruleNumber, slot.egress);
      return acl.attrs.entries.filter((e) => !sameSlot(e, slot));
    });
    return {};
  },
});

defineAction('ReplaceNetworkAclAssociation', {
  supports: ['AssociationId', 'NetworkAclId'],
  async handler(ctx, input) {
    const id = input.AssociationId;
    if (!isValidId('network-acl-association', id)) throw ERRORS.malformedId('network-acl-association', id, 'AssociationId');
    const newAssociationId = await ctx.store.transaction(async (tx) => {
      const target = await requireAcl(ctx, input.NetworkAclId, tx);
      const { acls, associations } = await loadAssociations(ctx, tx);
      const owner = acls.find((a) => associations.get(a.id)?.some((x) => x.associationId === id));
      const assoc = owner && associations.get(owner.id)?.find((x) => x.associationId === id);
      if (!owner || !assoc) throw ERRORS.idNotFound('network-acl-association', [id]);
      if (target.attrs.vpcId !== owner.attrs.vpcId) {
        throw new Ec2Error('InvalidParameterValue', `Network ACL ${target.id} and subnet ${assoc.subnetId} belong to different networks`);
      }
      const fresh = { associationId: newId('network-acl-association'), subnetId: assoc.subnetId };
      const without = (acl: Acl) => acl.attrs.associations.filter((x) => x.subnetId !== assoc.subnetId);
      if (owner.id !== target.id) await tx.resources.updateAttrs(ctx.projectId, owner.id, { ...owner.attrs, associations: without(owner) } satisfies NetworkAclAttrs);
      await tx.resources.updateAttrs(ctx.projectId, target.id, { ...target.attrs, associations: [...without(target), fresh] } satisfies NetworkAclAttrs);
      return fresh.associationId;
    });
    return { NewAssociationId: newAssociationId };
  },
});
