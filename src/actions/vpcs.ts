/**
 * VPCs: CreateVpc, DeleteVpc, DescribeVpcs (and, on the same model, the default VPC). A VPC is a router of the
 * network service; its EC2-only state (CIDR blocks, DHCP options, DNS attributes, the ids of its main route table,
 * default security group and default network ACL) lives in the store. A new VPC comes with its main route
 * table (the local route), its default security group (ingress from itself, egress anywhere), its default
 * network ACL (allow all) and the default DHCP options, as in AWS.
 */
import type { Vpc } from '@aws-sdk/client-ec2';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import type { FilterTable } from '../kit/filters.js';
import { parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { newId } from '../resources/ids.js';
import { requireResource, storedWithTags } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type { NetworkAclAttrs, RouteTableAttrs, SecurityGroupAttrs, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';
import { makeDefaultGroup } from './security-groups.js';

export interface VpcView { resource: Resource<VpcAttrs>; tags: Tag[] }

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
        dhcpOptionsId: 'default',
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
 * Gives the project its default VPC in this region on first use (unless [vpc] default_vpc is off). Filled in by
 * the default-VPC work (subnets per zone, internet gateway); callers: the Describes of VPC objects,
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
  'owner-id': () => undefined,
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
  load: (ctx, q) => storedWithTags<VpcAttrs>(ctx, 'vpc', q.ids),
};

defineAction('CreateVpc', {
  supports: ['CidrBlock', 'AmazonProvidedIpv6CidrBlock', 'InstanceTenancy', 'TagSpecifications'],
  async handler(ctx, input) {
    if (input.CidrBlock === undefined) throw ERRORS.missingParameter('CidrBlock');
    validateVpcCidr(input.CidrBlock);
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
    return { Vpc: { ...presentVpc(ctx, vpc), State: 'pending' } };
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
