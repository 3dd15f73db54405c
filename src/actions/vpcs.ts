/**
 * VPCs: CreateVpc, DeleteVpc, DescribeVpcs (and, on the same model, the default VPC). A VPC is a router of the
 * network service; its EC2-only state (CIDR blocks, DHCP options, DNS attributes, the ids of its main route table,
 * default security group and default network ACL) lives in the store. A new VPC comes with its main route
 * table (the local route), its default security group (ingress from itself, egress anywhere), its default
 * network ACL (allow all) and the default DHCP options, as in AWS.
 */
import type { Vpc } from '@aws-sdk/client-ec2';
import { ProviderError } from '../cloud/errors.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import type { FilterTable } from '../kit/filters.js';
import { type Cidr, contains, formatCidr, overlaps, parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource, resourcesWhere, storedWithTags } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Store, Tag } from '../store/store.js';
import type { DhcpOptionsAttrs, NetworkAclAttrs, RouteTableAttrs, SecurityGroupAttrs, SubnetAttrs, VpcAttrs, VpcIpv6Association } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';
import { makeDefaultGroup } from './security-groups.js';

export interface VpcView { resource: Resource<VpcAttrs>; tags: Tag[]; /** Set by the Describe (the owner-id filter). */ ownerId?: string }

/** AWS: a VPC's IPv4 block is a /16 to a /28. */
export function validateVpcCidr(cidr: string, param = 'CidrBlock'): string {
  const c = parseCidr(cidr);
  if (c?.version !== 4) {
    // A block with host bits set is "invalid" too, as AWS says it.
    throw ERRORS.invalidParameterValue(param, cidr, 'This is not a valid CIDR block.');
  }
  if (c.prefix < 16 || c.prefix > 28) throw ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
  return cidr;
}

/** The default network ACL's entries: allow everything in and out (rule 100), then the implicit deny (*). */
export const DEFAULT_ACL_ENTRIES: NetworkAclAttrs['entries'] = [false, true].flatMap((egress) => [
  { ruleNumber: 100, egress, protocol: '-1', ruleAction: 'allow' as const, cidrBlock: '0.0.0.0/0' },
  { ruleNumber: 32767, egress, protocol: '-1', ruleAction: 'deny' as const, cidrBlock: '0.0.0.0/0' },
]);

export interface NewVpc {
  cidrBlock: string;
  instanceTenancy?: VpcAttrs['instanceTenancy'];
  isDefault?: boolean;
  /** An Amazon-provided IPv6 /56 (the embedded cloud's ULA range on both backends). */
  ipv6CidrBlock?: string;
  tags?: Tag[];
}

/**
 * The project's default DHCP option set in the region, made with its first VPC as AWS accounts have one: the
 * region's internal domain and AmazonProvidedDNS. `tx` is the VPC's transaction.
 */
async function defaultDhcpOptions(ctx: ActionContext, tx: Store): Promise<string> {
  const [existing] = await resourcesWhere<DhcpOptionsAttrs>(ctx, 'dhcp-options', { isDefault: true }, tx);
  if (existing) return existing.id;
  const domain = ctx.region === 'us-east-1' ? 'ec2.internal' : `${ctx.region}.compute.internal`;
  const made = await tx.resources.createOwn<DhcpOptionsAttrs>(ctx.projectId, ctx.region, 'dhcp-options', {
    configurations: [{ key: 'domain-name', values: [domain] }, { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] }],
    isDefault: true,
  }, newId('dhcp-options'));
  return made.id;
}

/** Creates a VPC upstream and in the store; nothing is left behind when a step fails. */
export async function createVpc(ctx: ActionContext, v: NewVpc): Promise<VpcView> {
  const vpcId = newId('vpc');
  const net = ctx.cloud.network;
  return createWithUndo(ctx, async (undo) => {
    const router = await undo.step('create router', () => net.createRouter(ctx.cloudCtx, { name: vpcId }),
      (r) => net.deleteRouter(undo.cloudCtx, r.id));
    const group = await makeDefaultGroup(ctx, undo, vpcId, v.ipv6CidrBlock !== undefined);
    return ctx.store.transaction(async (tx) => {
      const vpcs = await tx.resources.list(ctx.projectId, ctx.region, 'vpc');
      if (vpcs.length >= ctx.config.vpc.max_vpcs) throw ec2Error('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
      if (v.isDefault && vpcs.some((r) => r.attrs.isDefault === true)) {
        throw ec2Error('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
      }
      const mainRouteTableId = newId('route-table');
      const defaultNetworkAclId = newId('network-acl');
      const dhcpOptionsId = await defaultDhcpOptions(ctx, tx);
      const sg = await tx.resources.create(ctx.projectId, ctx.region, 'security-group', group.id, {
        vpcId, groupName: 'default', description: 'default VPC security group', isDefault: true,
      } satisfies SecurityGroupAttrs);
      const attrs: VpcAttrs = {
        cidrBlock: v.cidrBlock,
        cidrAssociations: [{ associationId: newId('vpc-cidr-association'), cidrBlock: v.cidrBlock, state: 'associated' }],
        ipv6Associations: v.ipv6CidrBlock
          ? [{ associationId: newId('vpc-cidr-association'), ipv6CidrBlock: v.ipv6CidrBlock, state: 'associated', networkBorderGroup: ctx.region }]
          : [],
        instanceTenancy: v.instanceTenancy ?? 'default',
        isDefault: v.isDefault ?? false,
        dhcpOptionsId,
        enableDnsSupport: true,
        enableDnsHostnames: v.isDefault ?? false,
        enableNetworkAddressUsageMetrics: false,
        mainRouteTableId, defaultSecurityGroupId: sg.id, defaultNetworkAclId,
      };
      const resource = await tx.resources.create<VpcAttrs>(ctx.projectId, ctx.region, 'vpc', router.id, attrs, vpcId);
      const routes: RouteTableAttrs['routes'] = [{ destinationCidrBlock: v.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }];
      if (v.ipv6CidrBlock) routes.push({ destinationIpv6CidrBlock: v.ipv6CidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' });
      await tx.resources.createOwn<RouteTableAttrs>(ctx.projectId, ctx.region, 'route-table', {
        vpcId, routes, associations: [{ associationId: newId('route-table-association'), main: true }], propagatingVgws: [],
      }, mainRouteTableId);
      await tx.resources.createOwn<NetworkAclAttrs>(ctx.projectId, ctx.region, 'network-acl', {
        vpcId, isDefault: true, entries: DEFAULT_ACL_ENTRIES, associations: [],
      }, defaultNetworkAclId);
      await writeCreateTags(tx, ctx.projectId, vpcId, v.tags ?? []);
      return { resource, tags: v.tags ?? [] };
    });
  });
}

/**
 * Gives the project its default VPC in this region on first use (unless [vpc] default_vpc is off): set by
 * src/actions/default-vpc.ts (ensureDefaultVpc there); callers: the Describes of VPC objects,
 * DescribeAccountAttributes, and creates that fall back to the default VPC.
 */
export let ensureDefaultVpc: (ctx: ActionContext) => Promise<void> = async () => {};
export const setDefaultVpcHook = (fn: (ctx: ActionContext) => Promise<void>) => {
  ensureDefaultVpc = fn;
};

export function presentVpc(ctx: ActionContext, v: VpcView): Vpc {
  const a = v.resource.attrs;
  return {
    OwnerId: ctx.principal.ownerId,
    InstanceTenancy: a.instanceTenancy,
    Ipv6CidrBlockAssociationSet: a.ipv6Associations.length
      ? a.ipv6Associations.map((x) => ({
        AssociationId: x.associationId, Ipv6CidrBlock: x.ipv6CidrBlock, Ipv6CidrBlockState: { State: x.state },
        NetworkBorderGroup: x.networkBorderGroup, Ipv6Pool: 'Amazon',
      }))
      : undefined,
    CidrBlockAssociationSet: a.cidrAssociations.map((x) => ({ AssociationId: x.associationId, CidrBlock: x.cidrBlock, CidrBlockState: { State: x.state } })),
    IsDefault: a.isDefault,
    Tags: tagSet(v.tags),
    VpcId: v.resource.id,
    State: 'available',
    CidrBlock: a.cidrBlock,
    DhcpOptionsId: a.dhcpOptionsId,
  };
}

const vpcFilters: FilterTable<VpcView> = {
  'vpc-id': (v) => v.resource.id,
  cidr: (v) => v.resource.attrs.cidrBlock,
  'cidr-block-association.cidr-block': (v) => v.resource.attrs.cidrAssociations.map((x) => x.cidrBlock),
  'cidr-block-association.association-id': (v) => v.resource.attrs.cidrAssociations.map((x) => x.associationId),
  'cidr-block-association.state': (v) => v.resource.attrs.cidrAssociations.map((x) => x.state),
  'dhcp-options-id': (v) => v.resource.attrs.dhcpOptionsId,
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.resource.attrs.ipv6Associations.map((x) => x.ipv6CidrBlock),
  'ipv6-cidr-block-association.ipv6-pool': (v) => v.resource.attrs.ipv6Associations.map(() => 'Amazon'),
  'ipv6-cidr-block-association.association-id': (v) => v.resource.attrs.ipv6Associations.map((x) => x.associationId),
  'ipv6-cidr-block-association.state': (v) => v.resource.attrs.ipv6Associations.map((x) => x.state),
  'is-default': (v) => v.resource.attrs.isDefault,
  'owner-id': (v) => v.ownerId,
  state: () => 'available',
};

/** The VPCs of the project as the store has them: no upstream call. */
export const vpcsSpec: DescribeSpec<VpcView> = {
  kind: 'vpc',
  action: 'DescribeVpcs',
  idParam: 'VpcId',
  id: (v) => v.resource.id,
  filters: vpcFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 1000 },
  load: async (ctx, q) => (await storedWithTags<VpcAttrs>(ctx, 'vpc', q.ids)).map((v) => ({ ...v, ownerId: ctx.principal.ownerId })),
};

defineAction('CreateVpc', {
  supports: ['CidrBlock', 'AmazonProvidedIpv6CidrBlock', 'Ipv6CidrBlockNetworkBorderGroup', 'InstanceTenancy', 'TagSpecifications'],
  async handler(ctx, input) {
    if (input.CidrBlock === undefined) throw ERRORS.missingParameter('CidrBlock');
    validateVpcCidr(input.CidrBlock);
    checkBorderGroup(ctx, input.Ipv6CidrBlockNetworkBorderGroup, input.AmazonProvidedIpv6CidrBlock);
    const tenancy = input.InstanceTenancy ?? 'default';
    if (tenancy !== 'default' && tenancy !== 'dedicated') {
      throw ERRORS.invalidParameterValue('InstanceTenancy', tenancy, "Valid values: 'default', 'dedicated'.");
    }
    const tags = tagsFromSpecifications(input.TagSpecifications, ['vpc']).get('vpc') ?? [];
    await ensureDefaultVpc(ctx);
    const vpc = await createVpc(ctx, {
      cidrBlock: input.CidrBlock, instanceTenancy: tenancy, tags,
      ipv6CidrBlock: input.AmazonProvidedIpv6CidrBlock ? amazonIpv6Block() : undefined,
    });
    const out = presentVpc(ctx, vpc);
    // As AWS answers a create: the VPC pending, its Amazon-provided IPv6 block still associating.
    out.Ipv6CidrBlockAssociationSet = out.Ipv6CidrBlockAssociationSet?.map((a) => ({ ...a, Ipv6CidrBlockState: { State: 'associating' } }));
    return { Vpc: { ...out, State: 'pending' } };
  },
});

/** An Amazon-provided /56: from the unique-local range, random, as each AWS VPC gets its own. */
export function amazonIpv6Block(): string {
  const r = crypto.getRandomValues(new Uint16Array(3));
  return `fd${(r[0] & 0xff).toString(16).padStart(2, '0')}:${r[1].toString(16)}:${(r[2] & 0xff00).toString(16)}::/56`;
}

defineAction('DeleteVpc', {
  supports: ['VpcId'],
  async handler(ctx, input) {
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    await deleteVpc(ctx, vpc);
    return {};
  },
});

/** Kinds whose objects in a VPC keep it from being deleted (besides the ones made with it). */
const DEPENDENT_KINDS = ['subnet', 'internet-gateway', 'security-group', 'route-table', 'network-acl', 'network-interface'] as const;

export async function deleteVpc(ctx: ActionContext, vpc: Resource<VpcAttrs>): Promise<void> {
  const a = vpc.attrs;
  const own = new Set([a.mainRouteTableId, a.defaultSecurityGroupId, a.defaultNetworkAclId]);
  for (const kind of DEPENDENT_KINDS) {
    const deps = (await ctx.store.resources.list(ctx.projectId, ctx.region, kind))
      .filter((r) => (r.attrs as { vpcId?: string }).vpcId === vpc.id && !own.has(r.id));
    if (deps.length) throw ec2Error('DependencyViolation', `The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
  }
  const group = await ctx.store.resources.find(ctx.projectId, ctx.region, a.defaultSecurityGroupId);
  const net = ctx.cloud.network;
  try {
    await net.deleteRouter(ctx.cloudCtx, vpc.osId);
  } catch (e) {
    // Interfaces on the router that no subnet of the VPC accounts for (made outside EC2, or left by a failed call).
    if (e instanceof ProviderError && (e.kind === 'InUse' || e.kind === 'Conflict')) {
      throw ec2Error('DependencyViolation', `The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
    }
    if (!isNotFound(e)) throw e;
  }
  if (group) {
    try {
      await net.deleteSecurityGroup(ctx.cloudCtx, group.osId);
    } catch (e) {
      if (!isNotFound(e)) ctx.logger.warn('default security group of a deleted VPC left behind', { vpc: vpc.id, group: group.osId, error: String(e) });
    }
  }
  const rules = (await ctx.store.resources.list(ctx.projectId, ctx.region, 'security-group-rule'))
    .filter((r) => (r.attrs as { groupId?: string }).groupId === a.defaultSecurityGroupId);
  await ctx.store.resources.delete(ctx.projectId, [vpc.id, ...own, ...rules.map((r) => r.id)]);
}

const isNotFound = (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'NotFound';

defineAction('DescribeVpcs', {
  supports: ['VpcIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, vpcsSpec, { ids: input.VpcIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken });
    return { Vpcs: items.map((v) => presentVpc(ctx, v)), NextToken: nextToken };
  },
});

/** Ipv6CidrBlockNetworkBorderGroup: only with an Amazon-provided block, and only this region (its one border group). */
function checkBorderGroup(ctx: ActionContext, group: string | undefined, amazonProvided: boolean | undefined) {
  if (group === undefined) return;
  if (!amazonProvided) {
    throw ERRORS.invalidParameterCombination('The parameter Ipv6CidrBlockNetworkBorderGroup requires AmazonProvidedIpv6CidrBlock.');
  }
  if (group !== ctx.region) throw ERRORS.invalidParameterValue('Ipv6CidrBlockNetworkBorderGroup', group, `Valid values: ${ctx.region}.`);
}

/** The VPC attributes of DescribeVpcAttribute / ModifyVpcAttribute: wire name ↔ store attribute. */
const VPC_ATTRIBUTES = {
  enableDnsHostnames: 'EnableDnsHostnames',
  enableDnsSupport: 'EnableDnsSupport',
  enableNetworkAddressUsageMetrics: 'EnableNetworkAddressUsageMetrics',
} as const;
type VpcAttributeName = keyof typeof VPC_ATTRIBUTES;

defineAction('DescribeVpcAttribute', {
  supports: ['VpcId', 'Attribute'],
  async handler(ctx, input) {
    const name = input.Attribute as string;
    if (!Object.hasOwn(VPC_ATTRIBUTES, name)) {
      throw ERRORS.invalidParameterValue('Attribute', name, `Valid values: ${Object.keys(VPC_ATTRIBUTES).join(', ')}.`);
    }
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId as string, 'VpcId');
    const attr = name as VpcAttributeName;
    return { VpcId: vpc.id, [VPC_ATTRIBUTES[attr]]: { Value: vpc.attrs[attr] } };
  },
});

defineAction('ModifyVpcAttribute', {
  supports: ['VpcId', 'EnableDnsHostnames', 'EnableDnsSupport', 'EnableNetworkAddressUsageMetrics'],
  async handler(ctx, input) {
    const given = (Object.keys(VPC_ATTRIBUTES) as VpcAttributeName[]).filter((a) => input[VPC_ATTRIBUTES[a]] !== undefined);
    if (given.length > 1) throw ERRORS.invalidParameterCombination(`Fields for multiple attribute types specified: ${given.join(', ')}`);
    if (given.length === 0) throw ERRORS.missingParameter('EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics');
    const attr = given[0];
    const value = input[VPC_ATTRIBUTES[attr]]?.Value;
    if (value === undefined) throw ERRORS.missingParameter(`${VPC_ATTRIBUTES[attr]}.Value`);
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId as string, 'VpcId');
    await ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [vpc.id]);
      const now = await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.id);
      if (!now) throw ERRORS.idNotFound('vpc', [vpc.id]);
      // AWS: DNS hostnames need DNS support; support cannot be turned off under hostnames.
      if (attr === 'enableDnsHostnames' && value && !now.attrs.enableDnsSupport) {
        throw ERRORS.invalidParameterValue('EnableDnsHostnames', value, 'DNS hostnames can only be enabled when DNS support (enableDnsSupport) is enabled.');
      }
      if (attr === 'enableDnsSupport' && !value && now.attrs.enableDnsHostnames) {
        throw ERRORS.invalidParameterValue('EnableDnsSupport', value, 'DNS support cannot be disabled while DNS hostnames (enableDnsHostnames) are enabled.');
      }
      await tx.resources.updateAttrs(ctx.projectId, vpc.id, { ...now.attrs, [attr]: value });
    });
    return {};
  },
});

defineAction('ModifyVpcTenancy', {
  supports: ['VpcId', 'InstanceTenancy'],
  async handler(ctx, input) {
    if (input.InstanceTenancy !== 'default') {
      throw ERRORS.invalidParameterValue('InstanceTenancy', input.InstanceTenancy, "The only valid value is 'default'.");
    }
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId as string, 'VpcId');
    await ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [vpc.id]);
      const now = await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.id);
      if (now) await tx.resources.updateAttrs(ctx.projectId, vpc.id, { ...now.attrs, instanceTenancy: 'default' });
    });
    return { ReturnValue: true };
  },
});

/** AWS: IPv4 blocks per VPC, the primary one included. */
const MAX_VPC_IPV4_BLOCKS = 5;
const MAX_VPC_IPV6_BLOCKS = 1;

/** The address ranges of AWS's "IPv4 CIDR block association restrictions" table. */
const RANGES: Record<string, Cidr> = Object.fromEntries(
  [['10', '10.0.0.0/8'], ['172', '172.16.0.0/12'], ['192', '192.168.0.0/16'], ['198', '198.19.0.0/16']]
    .map(([k, c]) => [k, parseCidr(c) as Cidr]),
);
const rangeOf = (c: Cidr) => Object.keys(RANGES).find((k) => contains(RANGES[k], c)) ?? 'public';
/**
 * Which ranges a VPC whose primary block is in range `k` cannot take secondary blocks from: the other RFC 1918
 * ranges and 198.19.0.0/16; a VPC on a publicly routable block or 100.64.0.0/10 takes none of the RFC 1918 ranges.
 */
const RESTRICTED: Record<string, string[]> = {
  10: ['172', '192', '198'], 172: ['10', '192', '198'], 192: ['10', '172', '198'], 198: ['10', '172', '192'], public: ['10', '172', '192', '198'],
};

/** Checks a secondary IPv4 block against AWS's rules (size, restricted ranges, the limit) and the VPC's blocks. */
function checkSecondaryBlock(vpc: Resource<VpcAttrs>, cidr: string): void {
  validateVpcCidr(cidr);
  const c = parseCidr(cidr) as Cidr;
  const a = vpc.attrs;
  const current = a.cidrAssociations.filter((x) => x.state === 'associated' || x.state === 'associating');
  if (current.length >= MAX_VPC_IPV4_BLOCKS) {
    throw ec2Error('CidrLimitExceeded', `This network '${vpc.id}' has met its maximum number of allowed CIDRs: ${MAX_VPC_IPV4_BLOCKS}`);
  }
  const primary = parseCidr(a.cidrBlock) as Cidr;
  if (RESTRICTED[rangeOf(primary)].some((k) => overlaps(RANGES[k], c))) {
    throw ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR.`);
  }
  for (const x of current) {
    const other = parseCidr(x.cidrBlock);
    if (other && overlaps(other, c)) throw ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' conflicts with another CIDR block of the VPC ('${x.cidrBlock}').`);
  }
}

/** Every route table of the VPC gets (or loses) the local route of a block, as AWS keeps one per VPC block. */
async function setLocalRoutes(ctx: ActionContext, tx: Store, vpcId: string, block: { v4?: string; v6?: string }, add: boolean) {
  const tables = (await tx.resources.list<RouteTableAttrs>(ctx.projectId, ctx.region, 'route-table')).filter((t) => t.attrs.vpcId === vpcId);
  for (const t of tables) {
    const isIt = (r: RouteTableAttrs['routes'][number]) => r.gatewayId === 'local'
      && (block.v4 ? r.destinationCidrBlock === block.v4 : r.destinationIpv6CidrBlock === block.v6);
    const routes = t.attrs.routes.filter((r) => !isIt(r));
    if (add) routes.push(block.v4 ? { destinationCidrBlock: block.v4, gatewayId: 'local', origin: 'CreateRouteTable' } : { destinationIpv6CidrBlock: block.v6, gatewayId: 'local', origin: 'CreateRouteTable' });
    await tx.resources.updateAttrs(ctx.projectId, t.id, { ...t.attrs, routes });
  }
}

defineAction('AssociateVpcCidrBlock', {
  supports: ['VpcId', 'CidrBlock', 'AmazonProvidedIpv6CidrBlock', 'Ipv6CidrBlockNetworkBorderGroup'],
  async handler(ctx, input) {
    const v6 = input.AmazonProvidedIpv6CidrBlock === true;
    if (v6 && input.CidrBlock !== undefined) {
      throw ERRORS.invalidParameterCombination('The parameters CidrBlock and AmazonProvidedIpv6CidrBlock cannot be used together.');
    }
    if (!v6 && input.CidrBlock === undefined) throw ERRORS.missingParameter('CidrBlock or AmazonProvidedIpv6CidrBlock');
    checkBorderGroup(ctx, input.Ipv6CidrBlockNetworkBorderGroup, v6);
    if (!v6) validateVpcCidr(input.CidrBlock as string);
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId as string, 'VpcId');
    const associationId = newId('vpc-cidr-association');
    return ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [vpc.id]);
      const now = await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.id);
      if (!now) throw ERRORS.idNotFound('vpc', [vpc.id]);
      if (v6) {
        if (now.attrs.ipv6Associations.length >= MAX_VPC_IPV6_BLOCKS) {
          throw ec2Error('CidrLimitExceeded', `This network '${vpc.id}' has met its maximum number of allowed CIDRs: ${MAX_VPC_IPV6_BLOCKS}`);
        }
        const ipv6CidrBlock = amazonIpv6Block();
        const assoc = { associationId, ipv6CidrBlock, state: 'associated' as const, networkBorderGroup: ctx.region };
        await tx.resources.updateAttrs(ctx.projectId, vpc.id, { ...now.attrs, ipv6Associations: [...now.attrs.ipv6Associations, assoc] });
        await setLocalRoutes(ctx, tx, vpc.id, { v6: ipv6CidrBlock }, true);
        return {
          VpcId: vpc.id,
          Ipv6CidrBlockAssociation: {
            AssociationId: associationId, Ipv6CidrBlock: ipv6CidrBlock, Ipv6CidrBlockState: { State: 'associating' },
            NetworkBorderGroup: ctx.region, Ipv6Pool: 'Amazon',
          },
        };
      }
      const cidrBlock = input.CidrBlock as string;
      checkSecondaryBlock(now, cidrBlock);
      await tx.resources.updateAttrs(ctx.projectId, vpc.id, {
        ...now.attrs, cidrAssociations: [...now.attrs.cidrAssociations, { associationId, cidrBlock, state: 'associated' }],
      });
      await setLocalRoutes(ctx, tx, vpc.id, { v4: cidrBlock }, true);
      return { VpcId: vpc.id, CidrBlockAssociation: { AssociationId: associationId, CidrBlock: cidrBlock, CidrBlockState: { State: 'associating' } } };
    });
  },
});

defineAction('DisassociateVpcCidrBlock', {
  supports: ['AssociationId'],
  async handler(ctx, input) {
    const id = input.AssociationId as string;
    if (!isValidId('vpc-cidr-association', id)) throw ERRORS.malformedId('vpc-cidr-association', id, 'AssociationId');
    const owner = (await ctx.store.resources.list<VpcAttrs>(ctx.projectId, ctx.region, 'vpc')).find((v) =>
      v.attrs.cidrAssociations.some((x) => x.associationId === id) || v.attrs.ipv6Associations.some((x) => x.associationId === id));
    if (!owner) throw ERRORS.idNotFound('vpc-cidr-association', [id]);
    return ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [owner.id]);
      const vpc = await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, owner.id);
      const v4 = vpc?.attrs.cidrAssociations.find((x) => x.associationId === id);
      const v6 = vpc?.attrs.ipv6Associations.find((x) => x.associationId === id);
      if (!vpc || (!v4 && !v6)) throw ERRORS.idNotFound('vpc-cidr-association', [id]);
      const block = parseCidr(v4 ? v4.cidrBlock : (v6 as VpcIpv6Association).ipv6CidrBlock) as Cidr;
      if (v4 && v4.cidrBlock === vpc.attrs.cidrBlock) {
        throw ec2Error('OperationNotPermitted', `The vpc CIDR block with association ID ${id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC`);
      }
      const subnets = (await tx.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet')).filter((sn) => sn.attrs.vpcId === vpc.id);
      const inUse = subnets.some((sn) => (v4
        ? overlaps(block, parseCidr(sn.attrs.cidrBlock) as Cidr)
        : sn.attrs.ipv6Associations.some((x) => overlaps(block, parseCidr(x.ipv6CidrBlock) as Cidr))));
      if (inUse) {
        throw ec2Error('InvalidCidrBlock.InUse', `The vpc ${vpc.id} currently has a subnet within CIDR block ${formatCidr(block)}`);
      }
      await tx.resources.updateAttrs(ctx.projectId, vpc.id, {
        ...vpc.attrs,
        cidrAssociations: vpc.attrs.cidrAssociations.filter((x) => x.associationId !== id),
        ipv6Associations: vpc.attrs.ipv6Associations.filter((x) => x.associationId !== id),
      });
      await setLocalRoutes(ctx, tx, vpc.id, v4 ? { v4: v4.cidrBlock } : { v6: v6?.ipv6CidrBlock }, false);
      return v4
        ? { VpcId: vpc.id, CidrBlockAssociation: { AssociationId: id, CidrBlock: v4.cidrBlock, CidrBlockState: { State: 'disassociating' } } }
        : {
          VpcId: vpc.id,
          Ipv6CidrBlockAssociation: {
            AssociationId: id, Ipv6CidrBlock: v6?.ipv6CidrBlock, Ipv6CidrBlockState: { State: 'disassociating' },
            NetworkBorderGroup: v6?.networkBorderGroup, Ipv6Pool: 'Amazon',
          },
        };
    });
  },
});
