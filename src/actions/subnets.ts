/**
 * Subnets: CreateSubnet, DeleteSubnet, DescribeSubnets. A subnet is a network of its own with one subnet,
 * attached to its VPC's router by an interface. As in AWS, the first four addresses (network, router, DNS,
 * reserved) and the last one are not handed out: the gateway is the second address, the allocation pool runs
 * from the fifth to the one before the last.
 */
import type { Subnet, SubnetIpv6CidrBlockAssociation } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import { listAll } from '../cloud/paging.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import type { FilterTable } from '../kit/filters.js';
import { type Cidr, contains, nthAddress, overlaps, parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource, resourcesWhere, storedWithTags } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type { SubnetAttrs, SubnetIpv6Association, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { dropSubnetAssociations } from '../vpc/associations.js';
import { dnsNameserversOf } from './dhcp-options.js';
import { zonesOf } from './regions.js';
import { defineAction } from './registry.js';
import { syncVpcRouterRoutes } from './route-tables.js';
import { ensureDefaultVpc } from './vpcs.js';

export interface SubnetView {
  resource: Resource<SubnetAttrs>; cidrBlock: string; available: number; zoneId: string; tags: Tag[];
  /** Set by the Describe (the owner-id and subnet-arn filters). */
  ownerId?: string; arn?: string;
}

/** Addresses AWS keeps in every subnet: the first four and the last. */
const RESERVED = 5n;
const sizeOf = (c: Cidr) => c.last - c.network + 1n;

export interface NewSubnet {
  vpc: Resource<VpcAttrs>;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz?: boolean;
  mapPublicIpOnLaunch?: boolean;
  /** A /64 of the VPC's IPv6 block, realized as an IPv6 subnet on the subnet's network. */
  ipv6CidrBlock?: string;
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

/** Checks an IPv6 block for a subnet: a /64 of the VPC's IPv6 block that no other subnet (but `self`) has. */
function checkSubnetIpv6Block(cidr: string, vpc: Resource<VpcAttrs>, siblings: Resource<SubnetAttrs>[], param = 'Ipv6CidrBlock', self?: string): Cidr {
  const c = parseCidr(cidr);
  if (c?.version !== 6) throw ERRORS.invalidParameterValue(param, cidr, 'This is not a valid IPv6 CIDR block.');
  const vpcBlocks = vpc.attrs.ipv6Associations.filter((a) => a.state === 'associated').map((a) => parseCidr(a.ipv6CidrBlock) as Cidr);
  if (c.prefix !== 64 || !vpcBlocks.some((b) => contains(b, c))) throw ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
  for (const sn of siblings) {
    if (sn.id === self) continue;
    for (const a of sn.attrs.ipv6Associations) {
      const other = parseCidr(a.ipv6CidrBlock);
      if (other && overlaps(other, c)) throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
    }
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
  if (s.ipv6CidrBlock !== undefined) checkSubnetIpv6Block(s.ipv6CidrBlock, vpc, siblings);
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
    const v6 = s.ipv6CidrBlock === undefined ? undefined : await undo.step('create IPv6 subnet',
      () => net.createSubnet(ctx.cloudCtx, { networkId: network.id, cidr: s.ipv6CidrBlock as string, ipVersion: 6, name: subnetId }),
      (x) => net.deleteSubnet(undo.cloudCtx, x.id));
    await undo.step('attach to router', async () => {
      try {
        return await net.addRouterInterface(ctx.cloudCtx, vpc.osId, subnet.id);
      } catch (e) {
        // A call that timed out may have attached it all the same: detach, or the subnet and network cannot go.
        await net.removeRouterInterface(undo.cloudCtx, vpc.osId, subnet.id).catch(() => undefined);
        throw e;
      }
    }, () => net.removeRouterInterface(undo.cloudCtx, vpc.osId, subnet.id));
    const attrs: SubnetAttrs = {
      vpcId: vpc.id, networkId: network.id, availabilityZone: s.availabilityZone, defaultForAz: s.defaultForAz ?? false,
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? false, assignIpv6AddressOnCreation: false, enableDns64: false,
      privateDnsHostnameTypeOnLaunch: 'ip-name', cidrBlock: s.cidrBlock,
      ipv6Associations: v6
        ? [{ associationId: newId('subnet-cidr-association'), ipv6CidrBlock: s.ipv6CidrBlock as string, state: 'associated', osSubnetId: v6.id }]
        : [],
    };
    const resource = await ctx.store.transaction(async (tx) => {
      // Re-checked in the transaction, the VPC locked: a concurrent create may have taken the block meanwhile.
      await tx.resources.lock(ctx.projectId, [vpc.id]);
      const current = await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.id);
      if (!current) throw ERRORS.idNotFound('vpc', [vpc.id]);
      const now = (await tx.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet')).filter((r) => r.attrs.vpcId === vpc.id);
      checkSubnetBlock(s.cidrBlock, current, now, new Map(now.map((r) => [r.id, r.attrs.cidrBlock])));
      if (s.ipv6CidrBlock !== undefined) checkSubnetIpv6Block(s.ipv6CidrBlock, current, now);
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

const subnetArn = (ctx: ActionContext, id: string) => `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:subnet/${id}`;

export function presentSubnet(ctx: ActionContext, v: SubnetView): Subnet {
  const a = v.resource.attrs;
  return {
    AvailabilityZoneId: v.zoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: ctx.principal.ownerId,
    AssignIpv6AddressOnCreation: a.assignIpv6AddressOnCreation,
    Ipv6CidrBlockAssociationSet: a.ipv6Associations.map((x) => presentSubnetIpv6(x)),
    Tags: tagSet(v.tags),
    SubnetArn: subnetArn(ctx, v.resource.id),
    EnableDns64: a.enableDns64,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: a.privateDnsHostnameTypeOnLaunch,
      EnableResourceNameDnsARecord: a.enableResourceNameDnsARecord ?? false,
      EnableResourceNameDnsAAAARecord: a.enableResourceNameDnsAAAARecord ?? false,
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

export const presentSubnetIpv6 = (x: SubnetIpv6Association, state = x.state): SubnetIpv6CidrBlockAssociation => ({
  AssociationId: x.associationId, Ipv6CidrBlock: x.ipv6CidrBlock, Ipv6CidrBlockState: { State: state },
  Ipv6AddressAttribute: 'public', IpSource: 'amazon',
});

const subnetFilters: FilterTable<SubnetView> = {
  'availability-zone': (v) => v.resource.attrs.availabilityZone,
  'availability-zone-id': (v) => v.zoneId,
  'available-ip-address-count': (v) => v.available,
  'cidr-block': (v) => v.cidrBlock,
  cidr: (v) => v.cidrBlock,
  cidrBlock: (v) => v.cidrBlock,
  'customer-owned-ipv4-pool': () => undefined,
  'default-for-az': (v) => v.resource.attrs.defaultForAz,
  defaultForAz: (v) => v.resource.attrs.defaultForAz,
  'enable-dns64': (v) => v.resource.attrs.enableDns64,
  'enable-lni-at-device-index': () => undefined,
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.resource.attrs.ipv6Associations.map((x) => x.ipv6CidrBlock),
  'ipv6-cidr-block-association.association-id': (v) => v.resource.attrs.ipv6Associations.map((x) => x.associationId),
  'ipv6-cidr-block-association.state': (v) => v.resource.attrs.ipv6Associations.map((x) => x.state),
  'ipv6-native': () => false,
  'map-customer-owned-ip-on-launch': () => false,
  'map-public-ip-on-launch': (v) => v.resource.attrs.mapPublicIpOnLaunch,
  'outpost-arn': () => undefined,
  'owner-id': (v) => v.ownerId,
  'private-dns-name-options-on-launch.hostname-type': (v) => v.resource.attrs.privateDnsHostnameTypeOnLaunch,
  'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': (v) => v.resource.attrs.enableResourceNameDnsARecord ?? false,
  'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': (v) => v.resource.attrs.enableResourceNameDnsAAAARecord ?? false,
  state: () => 'available',
  'subnet-arn': (v) => v.arn,
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
        ownerId: ctx.principal.ownerId, arn: subnetArn(ctx, resource.id),
        zoneId: zones.find((z) => z.name === resource.attrs.availabilityZone)?.id ?? '',
        available: block ? Number(sizeOf(block) - RESERVED) - taken : 0,
      };
    });
  },
};

/** The zone named by AvailabilityZone or AvailabilityZoneId (at most one of them), undefined when neither is given. */
async function zoneOfInput(ctx: ActionContext, name: string | undefined, id: string | undefined) {
  if (name !== undefined && id !== undefined) {
    throw ERRORS.invalidParameterCombination('Only one of AvailabilityZone or AvailabilityZoneId may be given.');
  }
  if (name === undefined && id === undefined) return undefined;
  const zones = await zonesOf(ctx);
  const [param, value] = name !== undefined ? ['availabilityZone', name] : ['availabilityZoneId', id as string];
  const found = zones.find((z) => (param === 'availabilityZone' ? z.name : z.id) === value);
  if (!found) {
    throw ERRORS.invalidParameterValue(param, value,
      `Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`);
  }
  return found;
}

defineAction('CreateSubnet', {
  supports: ['VpcId', 'CidrBlock', 'Ipv6CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'TagSpecifications'],
  async handler(ctx, input) {
    if (input.CidrBlock === undefined) throw ERRORS.missingParameter('CidrBlock');
    const tags = tagsFromSpecifications(input.TagSpecifications, ['subnet']).get('subnet') ?? [];
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    const zone = (await zoneOfInput(ctx, input.AvailabilityZone, input.AvailabilityZoneId)) ?? (await zonesOf(ctx))[0];
    const view = await createSubnet(ctx, { vpc, cidrBlock: input.CidrBlock, ipv6CidrBlock: input.Ipv6CidrBlock, availabilityZone: zone.name, tags });
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
  // Ports the network service owns itself (DHCP, the router's interface) go with the network; only others block.
  if (ports.some((p) => p.deviceId !== vpc?.osId && !p.deviceOwner.startsWith('network:'))) throw dependency();
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

/** ModifySubnetAttribute's attributes: wire name → how the store keeps it. One per call, as AWS. */
const SUBNET_ATTRIBUTES = [
  'MapPublicIpOnLaunch', 'AssignIpv6AddressOnCreation', 'EnableDns64', 'PrivateDnsHostnameTypeOnLaunch',
  'EnableResourceNameDnsARecordOnLaunch', 'EnableResourceNameDnsAAAARecordOnLaunch',
] as const;
const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

defineAction('ModifySubnetAttribute', {
  supports: ['SubnetId', ...SUBNET_ATTRIBUTES],
  async handler(ctx, input) {
    const given = SUBNET_ATTRIBUTES.filter((a) => input[a] !== undefined);
    if (given.length > 1) throw ERRORS.invalidParameterCombination(`Fields for multiple attribute types specified: ${given.map(lowerFirst).join(', ')}`);
    if (given.length === 0) throw ERRORS.missingParameter(`one of ${SUBNET_ATTRIBUTES.join(', ')}`);
    const attr = given[0];
    let value: boolean | string;
    if (attr === 'PrivateDnsHostnameTypeOnLaunch') {
      value = input.PrivateDnsHostnameTypeOnLaunch as string;
      if (value !== 'ip-name' && value !== 'resource-name') {
        throw ERRORS.invalidParameterValue('PrivateDnsHostnameTypeOnLaunch', value, "Valid values: 'ip-name', 'resource-name'.");
      }
    } else {
      const v = input[attr]?.Value;
      if (v === undefined) throw ERRORS.missingParameter(`${attr}.Value`);
      value = v;
    }
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', input.SubnetId as string, 'SubnetId');
    await ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [subnet.id]);
      const now = await tx.resources.find<SubnetAttrs>(ctx.projectId, ctx.region, subnet.id);
      if (!now) throw ERRORS.idNotFound('subnet', [subnet.id]);
      if (attr === 'AssignIpv6AddressOnCreation' && value === true && !now.attrs.ipv6Associations.some((x) => x.state === 'associated')) {
        throw ERRORS.invalidParameterValue('AssignIpv6AddressOnCreation', value,
          `Cannot set assignIpv6AddressOnCreation to true unless the subnet (${subnet.id}) has an IPv6 CIDR block associated with it.`);
      }
      const field: Record<(typeof SUBNET_ATTRIBUTES)[number], keyof SubnetAttrs> = {
        MapPublicIpOnLaunch: 'mapPublicIpOnLaunch', AssignIpv6AddressOnCreation: 'assignIpv6AddressOnCreation', EnableDns64: 'enableDns64',
        PrivateDnsHostnameTypeOnLaunch: 'privateDnsHostnameTypeOnLaunch', EnableResourceNameDnsARecordOnLaunch: 'enableResourceNameDnsARecord',
        EnableResourceNameDnsAAAARecordOnLaunch: 'enableResourceNameDnsAAAARecord',
      };
      await tx.resources.updateAttrs(ctx.projectId, subnet.id, { ...now.attrs, [field[attr]]: value });
    });
    return {};
  },
});

defineAction('AssociateSubnetCidrBlock', {
  supports: ['SubnetId', 'Ipv6CidrBlock'],
  async handler(ctx, input) {
    if (input.Ipv6CidrBlock === undefined) throw ERRORS.missingParameter('Ipv6CidrBlock');
    const cidr = input.Ipv6CidrBlock;
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', input.SubnetId as string, 'SubnetId');
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', subnet.attrs.vpcId, 'VpcId');
    const siblings = await resourcesWhere<SubnetAttrs>(ctx, 'subnet', { vpcId: vpc.id });
    const alreadyHas = () => ec2Error('CidrLimitExceeded', `This subnet '${subnet.id}' has met its maximum number of allowed CIDRs: 1`);
    if (subnet.attrs.ipv6Associations.length) throw alreadyHas();
    checkSubnetIpv6Block(cidr, vpc, siblings, 'Ipv6CidrBlock', subnet.id);
    const net = ctx.cloud.network;
    const associationId = newId('subnet-cidr-association');
    return createWithUndo(ctx, async (undo) => {
      const v6 = await undo.step('create IPv6 subnet',
        () => net.createSubnet(ctx.cloudCtx, { networkId: subnet.attrs.networkId, cidr, ipVersion: 6, name: subnet.id }),
        (x) => net.deleteSubnet(undo.cloudCtx, x.id));
      const assoc: SubnetIpv6Association = { associationId, ipv6CidrBlock: cidr, state: 'associated', osSubnetId: v6.id };
      await ctx.store.transaction(async (tx) => {
        await tx.resources.lock(ctx.projectId, [vpc.id, subnet.id]);
        const [currentVpc, now] = [await tx.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.id), await tx.resources.find<SubnetAttrs>(ctx.projectId, ctx.region, subnet.id)];
        if (!currentVpc || !now) throw ERRORS.idNotFound('subnet', [subnet.id]);
        if (now.attrs.ipv6Associations.length) throw alreadyHas();
        const all = (await tx.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet')).filter((r) => r.attrs.vpcId === vpc.id);
        checkSubnetIpv6Block(cidr, currentVpc, all, 'Ipv6CidrBlock', subnet.id);
        await tx.resources.updateAttrs(ctx.projectId, subnet.id, { ...now.attrs, ipv6Associations: [assoc] });
      });
      return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: presentSubnetIpv6(assoc, 'associating') };
    });
  },
});

defineAction('DisassociateSubnetCidrBlock', {
  supports: ['AssociationId'],
  async handler(ctx, input) {
    const id = input.AssociationId as string;
    if (!isValidId('subnet-cidr-association', id)) throw ERRORS.malformedId('subnet-cidr-association', id, 'AssociationId');
    const subnet = (await ctx.store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet'))
      .find((sn) => sn.attrs.ipv6Associations.some((x) => x.associationId === id));
    const assoc = subnet?.attrs.ipv6Associations.find((x) => x.associationId === id);
    if (!subnet || !assoc) throw ERRORS.idNotFound('subnet-cidr-association', [id]);
    const inUse = (why: string) => ec2Error('InvalidCidrBlock.InUse', `The subnet IPv6 CIDR block with association ID ${id} may not be disassociated, because ${why}.`);
    if (subnet.attrs.assignIpv6AddressOnCreation) throw inUse('its subnet has assign-ipv6-address-on-creation set to true');
    if (assoc.osSubnetId) {
      try {
        await ctx.cloud.network.deleteSubnet(ctx.cloudCtx, assoc.osSubnetId);
      } catch (e) {
        if (isProviderError(e, 'InUse')) throw inUse('addresses of it are in use');
        if (!isProviderError(e, 'NotFound')) throw e;
      }
    }
    await ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [subnet.id]);
      const now = await tx.resources.find<SubnetAttrs>(ctx.projectId, ctx.region, subnet.id);
      if (now) await tx.resources.updateAttrs(ctx.projectId, subnet.id, { ...now.attrs, ipv6Associations: now.attrs.ipv6Associations.filter((x) => x.associationId !== id) });
    });
    return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: presentSubnetIpv6(assoc, 'disassociating') };
  },
});

/** The project's default VPC in this region, if any. */
export async function findDefaultVpc(ctx: ActionContext): Promise<Resource<VpcAttrs> | undefined> {
  return (await ctx.store.resources.list<VpcAttrs>(ctx.projectId, ctx.region, 'vpc')).find((v) => v.attrs.isDefault);
}

/** The default subnet's block for a zone: the first /20 (or the whole block, when it is smaller) of the default VPC no subnet overlaps. */
export function freeDefaultBlock(vpc: Resource<VpcAttrs>, taken: string[]): string | undefined {
  const outer = parseCidr(vpc.attrs.cidrBlock) as Cidr;
  const prefix = Math.max(20, outer.prefix);
  const step = 1n << BigInt(32 - prefix);
  const used = taken.map((c) => parseCidr(c)).filter((c): c is Cidr => c !== undefined);
  for (let net = outer.network; net + step - 1n <= outer.last; net += step) {
    const c: Cidr = { version: 4, network: net, prefix, last: net + step - 1n };
    if (!used.some((u) => overlaps(u, c))) return `${nthAddress(c, 0n)}/${prefix}`;
  }
  return undefined;
}

/** Creates the default subnet of a zone in the default VPC: the next free /20, public IPs on launch, default for its zone. */
export async function createDefaultSubnet(ctx: ActionContext, vpc: Resource<VpcAttrs>, zone: string): Promise<SubnetView> {
  const siblings = await resourcesWhere<SubnetAttrs>(ctx, 'subnet', { vpcId: vpc.id });
  if (siblings.some((sn) => sn.attrs.defaultForAz && sn.attrs.availabilityZone === zone)) {
    throw ec2Error('DefaultSubnetAlreadyExistsInAvailabilityZone', `A Default Subnet already exists for this account in the availability zone ${zone}.`);
  }
  const cidrBlock = freeDefaultBlock(vpc, siblings.map((sn) => sn.attrs.cidrBlock));
  if (!cidrBlock) throw ec2Error('InvalidSubnet.Conflict', `The default VPC '${vpc.id}' has no free block for a default subnet.`);
  return createSubnet(ctx, { vpc, cidrBlock, availabilityZone: zone, defaultForAz: true, mapPublicIpOnLaunch: true });
}

defineAction('CreateDefaultSubnet', {
  supports: ['AvailabilityZone', 'AvailabilityZoneId'],
  async handler(ctx, input) {
    const zone = await zoneOfInput(ctx, input.AvailabilityZone, input.AvailabilityZoneId);
    if (!zone) throw ERRORS.missingParameter('AvailabilityZone');
    await ensureDefaultVpc(ctx);
    const vpc = await findDefaultVpc(ctx);
    if (!vpc) throw ec2Error('DefaultVpcDoesNotExist', 'No default VPC exists for this account in this region.');
    const view = await createDefaultSubnet(ctx, vpc, zone.name);
    return { Subnet: presentSubnet(ctx, view) };
  },
});
