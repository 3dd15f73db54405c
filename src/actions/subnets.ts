/**
 * Subnets: CreateSubnet, DeleteSubnet, DescribeSubnets. A subnet is a network of its own with one subnet,
 * attached to its VPC's router by an interface. As in AWS, the first four addresses (network, router, DNS,
 * reserved) and the last one are not handed out: the gateway is the second address, the allocation pool runs
 * from the fifth to the one before the last.
 */
import type { Subnet } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import { listAll } from '../cloud/paging.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import type { FilterTable } from '../kit/filters.js';
import { type Cidr, contains, nthAddress, overlaps, parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { newId } from '../resources/ids.js';
import { requireResource, storedWithTags } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type { SubnetAttrs, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { dropSubnetAssociations } from '../vpc/associations.js';
import { dnsNameserversOf } from './dhcp-options.js';
import { zonesOf } from './regions.js';
import { defineAction } from './registry.js';
import { syncVpcRouterRoutes } from './route-tables.js';
import { ensureDefaultVpc } from './vpcs.js';

export interface SubnetView { resource: Resource<SubnetAttrs>; cidrBlock: string; available: number; zoneId: string; tags: Tag[] }

/** Addresses AWS keeps in every subnet: the first four and the last. */
const RESERVED = 5n;
const sizeOf = (c: Cidr) => c.last - c.network + 1n;

export interface NewSubnet {
  vpc: Resource<VpcAttrs>;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz?: boolean;
  mapPublicIpOnLaunch?: boolean;
  tags?: Tag[];
}

/** Checks a block against the VPC's blocks and subnets; `param` names the parameter in messages. */
function checkSubnetBlock(cidr: string, vpc: Resource<VpcAttrs>, siblings: Resource<SubnetAttrs>[], siblingBlocks: Map<string, string>, param = 'CidrBlock'): Cidr {
  const c = parseCidr(cidr);
  if (c?.version !== 4) throw ERRORS.invalidParameterValue(param, cidr, 'This is not a valid CIDR block.');
  if (c.prefix < 16 || c.prefix > 28) throw ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
  const inVpc = vpc.attrs.cidrAssociations.filter((a) => a.state === 'associated').some((a) => {
    const block = parseCidr(a.cidrBlock);
    return block !== undefined && contains(block, c);
  });
  if (!inVpc) throw ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
  for (const s of siblings) {
    const other = parseCidr(siblingBlocks.get(s.id) ?? '');
    if (other && overlaps(other, c)) throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
  }
  return c;
}

/** Creates a subnet upstream (network, subnet, router interface) and in the store; undone when a step fails. */
export async function createSubnet(ctx: ActionContext, s: NewSubnet): Promise<SubnetView> {
  const subnetId = newId('subnet');
  const net = ctx.cloud.network;
  const { vpc } = s;
  const siblings = (await ctx.store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet')).filter((r) => r.attrs.vpcId === vpc.id);
  if (siblings.length >= ctx.config.vpc.max_subnets_per_vpc) {
    throw ec2Error('SubnetLimitExceeded', `The maximum number of subnets (${ctx.config.vpc.max_subnets_per_vpc}) for VPC '${vpc.id}' has been reached.`);
  }
  const blocks = new Map(siblings.map((r) => [r.id, r.attrs.cidrBlock]));
  const block = checkSubnetBlock(s.cidrBlock, vpc, siblings, blocks);
  const zones = await zonesOf(ctx);
  const zone = zones.find((z) => z.name === s.availabilityZone);
  const dnsNameservers = await dnsNameserversOf(ctx, vpc.attrs.dhcpOptionsId);
  return createWithUndo(ctx, async (undo) => {
    const network = await undo.step('create network', () => net.createNetwork(ctx.cloudCtx, { name: subnetId }),
      (n) => net.deleteNetwork(undo.cloudCtx, n.id));
    const subnet = await undo.step('create subnet', () => net.createSubnet(ctx.cloudCtx, {
      networkId: network.id, cidr: s.cidrBlock, ipVersion: 4, name: subnetId,
      dnsNameservers,
      gatewayIp: nthAddress(block, 1n),
      allocationPools: [{ start: nthAddress(block, 4n), end: nthAddress(block, sizeOf(block) - 2n) }],
    }), (x) => net.deleteSubnet(undo.cloudCtx, x.id));
    await undo.step('attach to router', () => net.addRouterInterface(ctx.cloudCtx, vpc.osId, subnet.id),
      () => net.removeRouterInterface(undo.cloudCtx, vpc.osId, subnet.id));
    const attrs: SubnetAttrs = {
      vpcId: vpc.id, networkId: network.id, availabilityZone: s.availabilityZone, defaultForAz: s.defaultForAz ?? false,
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? false, assignIpv6AddressOnCreation: false, enableDns64: false,
      privateDnsHostnameTypeOnLaunch: 'ip-name', ipv6Associations: [], cidrBlock: s.cidrBlock,
    };
    const resource = await ctx.store.transaction(async (tx) => {
      // Re-checked in the transaction: a concurrent create may have taken the block meanwhile.
      const now = (await tx.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet')).filter((r) => r.attrs.vpcId === vpc.id);
      checkSubnetBlock(s.cidrBlock, vpc, now, new Map(now.map((r) => [r.id, r.attrs.cidrBlock])));
      if (now.length >= ctx.config.vpc.max_subnets_per_vpc) {
        throw ec2Error('SubnetLimitExceeded', `The maximum number of subnets (${ctx.config.vpc.max_subnets_per_vpc}) for VPC '${vpc.id}' has been reached.`);
      }
      const r = await tx.resources.create<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet', subnet.id, attrs, subnetId);
      await writeCreateTags(tx, ctx.projectId, subnetId, s.tags ?? []);
      return r;
    });
    return { resource, cidrBlock: s.cidrBlock, available: Number(sizeOf(block) - RESERVED), zoneId: zone?.id ?? '', tags: s.tags ?? [] };
  });
}

export function presentSubnet(ctx: ActionContext, v: SubnetView): Subnet {
  const a = v.resource.attrs;
  return {
    AvailabilityZoneId: v.zoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: ctx.principal.ownerId,
    AssignIpv6AddressOnCreation: a.assignIpv6AddressOnCreation,
    Ipv6CidrBlockAssociationSet: a.ipv6Associations.map((x) => ({ AssociationId: x.associationId, Ipv6CidrBlock: x.ipv6CidrBlock, Ipv6CidrBlockState: { State: x.state } })),
    Tags: tagSet(v.tags),
    SubnetArn: `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:subnet/${v.resource.id}`,
    EnableDns64: a.enableDns64,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: a.privateDnsHostnameTypeOnLaunch, EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false,
    },
    SubnetId: v.resource.id,
    State: 'available',
    VpcId: a.vpcId,
    CidrBlock: v.cidrBlock,
    AvailableIpAddressCount: v.available,
    AvailabilityZone: a.availabilityZone,
    DefaultForAz: a.defaultForAz,
    MapPublicIpOnLaunch: a.mapPublicIpOnLaunch,
  };
}

const subnetFilters: FilterTable<SubnetView> = {
  'availability-zone': (v) => v.resource.attrs.availabilityZone,
  'availability-zone-id': (v) => v.zoneId,
  'available-ip-address-count': (v) => v.available,
  'cidr-block': (v) => v.cidrBlock,
  cidr: (v) => v.cidrBlock,
  cidrBlock: (v) => v.cidrBlock,
  'default-for-az': (v) => v.resource.attrs.defaultForAz,
  defaultForAz: (v) => v.resource.attrs.defaultForAz,
  'enable-dns64': (v) => v.resource.attrs.enableDns64,
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.resource.attrs.ipv6Associations.map((x) => x.ipv6CidrBlock),
  'ipv6-cidr-block-association.association-id': (v) => v.resource.attrs.ipv6Associations.map((x) => x.associationId),
  'ipv6-cidr-block-association.state': (v) => v.resource.attrs.ipv6Associations.map((x) => x.state),
  'ipv6-native': () => false,
  'map-public-ip-on-launch': (v) => v.resource.attrs.mapPublicIpOnLaunch,
  'owner-id': () => undefined,
  'private-dns-name-options-on-launch.hostname-type': (v) => v.resource.attrs.privateDnsHostnameTypeOnLaunch,
  'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': () => false,
  'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': () => false,
  state: () => 'available',
  'subnet-arn': (v) => v.resource.id,
  'subnet-id': (v) => v.resource.id,
  'vpc-id': (v) => v.resource.attrs.vpcId,
};

/**
 * Subnets from the store; the free address count from one listing of the project's ports (one upstream call,
 * whatever the number of subnets).
 */
export const subnetsSpec: DescribeSpec<SubnetView> = {
  kind: 'subnet',
  action: 'DescribeSubnets',
  idParam: 'SubnetId',
  id: (v) => v.resource.id,
  filters: subnetFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 1000 },
  async load(ctx, q) {
    const stored = await storedWithTags<SubnetAttrs>(ctx, 'subnet', q.ids);
    if (stored.length === 0) return [];
    const [ports, zones] = await Promise.all([
      listAll((marker) => ctx.cloud.network.listPorts(ctx.cloudCtx, { marker })),
      zonesOf(ctx),
    ]);
    const used = new Map<string, number>();
    for (const p of ports) for (const ip of p.fixedIps) used.set(ip.subnetId, (used.get(ip.subnetId) ?? 0) + 1);
    return stored.map(({ resource, tags }) => {
      const block = parseCidr(resource.attrs.cidrBlock);
      // The router's interface holds the gateway address, which AWS counts among the reserved ones.
      const routerPort = 1;
      const taken = Math.max(0, (used.get(resource.osId) ?? 0) - routerPort);
      return {
        resource, cidrBlock: resource.attrs.cidrBlock, tags,
        zoneId: zones.find((z) => z.name === resource.attrs.availabilityZone)?.id ?? '',
        available: block ? Number(sizeOf(block) - RESERVED) - taken : 0,
      };
    });
  },
};

defineAction('CreateSubnet', {
  supports: ['VpcId', 'CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'TagSpecifications'],
  async handler(ctx, input) {
    if (input.CidrBlock === undefined) throw ERRORS.missingParameter('CidrBlock');
    const tags = tagsFromSpecifications(input.TagSpecifications, ['subnet']).get('subnet') ?? [];
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    const zones = await zonesOf(ctx);
    let zone = zones[0];
    if (input.AvailabilityZone !== undefined && input.AvailabilityZoneId !== undefined) {
      throw ERRORS.invalidParameterCombination('Only one of AvailabilityZone or AvailabilityZoneId may be given.');
    }
    if (input.AvailabilityZone !== undefined || input.AvailabilityZoneId !== undefined) {
      const [param, value] = input.AvailabilityZone !== undefined ? ['availabilityZone', input.AvailabilityZone] : ['availabilityZoneId', input.AvailabilityZoneId as string];
      const found = zones.find((z) => (param === 'availabilityZone' ? z.name : z.id) === value);
      if (!found) {
        throw ERRORS.invalidParameterValue(param, value,
          `Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`);
      }
      zone = found;
    }
    const view = await createSubnet(ctx, { vpc, cidrBlock: input.CidrBlock, availabilityZone: zone.name, tags });
    return { Subnet: { ...presentSubnet(ctx, view), State: 'available' } };
  },
});

defineAction('DeleteSubnet', {
  supports: ['SubnetId'],
  async handler(ctx, input) {
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', input.SubnetId, 'SubnetId');
    await deleteSubnet(ctx, subnet);
    return {};
  },
});

/** Removes the subnet upstream (router interface, subnet, network) and from the store; DependencyViolation while interfaces remain. */
export async function deleteSubnet(ctx: ActionContext, subnet: Resource<SubnetAttrs>): Promise<void> {
  const dependency = () => ec2Error('DependencyViolation', `The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
  const net = ctx.cloud.network;
  const vpc = await ctx.store.resources.find<VpcAttrs>(ctx.projectId, ctx.region, subnet.attrs.vpcId);
  const { items: ports } = await net.listPorts(ctx.cloudCtx, { filters: { subnetId: [subnet.osId] } });
  if (ports.some((p) => p.deviceId !== vpc?.osId)) throw dependency();
  try {
    if (vpc) await net.removeRouterInterface(ctx.cloudCtx, vpc.osId, subnet.osId);
  } catch (e) {
    if (isProviderError(e, 'InUse')) throw dependency();
    if (!isProviderError(e, 'NotFound')) throw e;
  }
  try {
    await net.deleteNetwork(ctx.cloudCtx, subnet.attrs.networkId);
  } catch (e) {
    if (isProviderError(e, 'InUse')) {
      // A port appeared meanwhile: put the interface back so the subnet stays whole.
      if (vpc) await net.addRouterInterface(ctx.cloudCtx, vpc.osId, subnet.osId).catch(() => undefined);
      throw dependency();
    }
    if (!isProviderError(e, 'NotFound')) throw e;
  }
  await ctx.store.transaction(async (tx) => {
    await dropSubnetAssociations(tx, ctx.projectId, ctx.region, subnet.id);
    await tx.resources.delete(ctx.projectId, [subnet.id]);
  });
  await syncVpcRouterRoutes(ctx, subnet.attrs.vpcId);
}

defineAction('DescribeSubnets', {
  supports: ['SubnetIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, subnetsSpec, { ids: input.SubnetIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken });
    return { Subnets: items.map((v) => presentSubnet(ctx, v)), NextToken: nextToken };
  },
});
