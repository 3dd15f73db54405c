/**
 * Network interfaces: Create/Delete/DescribeNetworkInterfaces, Attach/Detach, Describe/Modify/Reset of their
 * attributes, Assign/Unassign of private IPv4 and IPv6 addresses, and network interface permissions.
 *
 * An interface is a port of the network service on its subnet's network (osId = the port id, named after the
 * eni- id); EC2-only state (description as EC2 shows it, source/destination check, the primary address, the
 * attachment) lives in the store. Neutron keeps no order of a port's fixed IPs, so which one is primary is kept
 * in `primaryIp`. Ports made outside EC2 on a subnet EC2 knows appear with eni- ids on first sight; the router's
 * and the DHCP agent's ports (device owner `network:*`) are not interfaces. A Describe makes a constant number
 * of upstream calls: one listing of the project's ports, one of its floating IPs (Association) and the zones.
 *
 * Permissions (CreateNetworkInterfacePermission …) are kept in the store only.
 */
import type {
  NetworkInterface, NetworkInterfaceAssociation, NetworkInterfaceAttachment, NetworkInterfacePermission,
} from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import { listAll } from '../cloud/paging.js';
import type { FixedIpRequest, FloatingIpRecord, PortRecord, SubnetRecord } from '../cloud/records.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { type Cidr, formatIp, inCidr, parseCidr, parseIp } from '../kit/ip.js';
import { tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { withClientToken } from '../resources/client-token.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource, requireResources, resourcesWhere } from '../resources/lookup.js';
import { mapCloudObjects } from '../resources/mapping.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type {
  ElasticIpAttrs, NetworkInterfaceAttachmentAttrs, NetworkInterfaceAttrs, NetworkInterfacePermissionAttrs, SecurityGroupAttrs,
  SubnetAttrs, VpcAttrs,
} from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { zonesOf } from './regions.js';
import { defineAction } from './registry.js';

type Eni = Resource<NetworkInterfaceAttrs>;
type Subnet = Resource<SubnetAttrs>;
type Group = Resource<SecurityGroupAttrs>;

const isV4 = (ip: string) => !ip.includes(':');

// ---------------------------------------------------------------------------------------------------------------
// Errors in AWS's wording

const inUseAddress = () => ec2Error('InvalidIPAddress.InUse', 'The specified address is already in use');
const insufficientAddresses = () =>
  ec2Error('InsufficientFreeAddressesInSubnet', 'The specified subnet does not have enough free addresses to satisfy the request.');
const tooManyAddresses = () => ec2Error('PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.');

/** A provider error of a port operation, as EC2 names it. */
function portError(e: unknown): unknown {
  if (isProviderError(e, 'Conflict')) return inUseAddress();
  if (isProviderError(e, 'IpAddressExhausted')) return insufficientAddresses();
  if (isProviderError(e, 'QuotaExceeded')) return ec2Error('NetworkInterfaceLimitExceeded', 'The maximum number of network interfaces has been reached.');
  return e;
}
const translated = <T>(p: Promise<T>) => p.catch((e) => { throw portError(e); });

// ---------------------------------------------------------------------------------------------------------------
// Addresses and names

/** A private IPv4 address asked for in the subnet: a valid address inside it, not one of the five AWS reserves. */
function checkPrivateIp(subnet: Subnet, ip: string, param: string): string {
  const parsed = parseIp(ip);
  if (parsed?.version !== 4) throw ERRORS.invalidParameterValue(param, ip, 'It is not a valid IPv4 address.');
  const text = formatIp(parsed);
  const block = parseCidr(subnet.attrs.cidrBlock) as Cidr;
  if (!inCidr(block, parsed)) throw new Ec2Error('InvalidParameterValue', `Address ${text} does not fall within the subnet's address range`);
  if (parsed.value - block.network < 4n || parsed.value === block.last) {
    throw new Ec2Error('InvalidParameterValue', `Address ${text} is in subnet's reserved address range`);
  }
  return text;
}

/** The VPC-internal DNS name AWS gives an address: ip-10-0-1-5.ec2.internal in us-east-1, ….<region>.compute.internal elsewhere. */
export function privateDnsName(region: string, ip: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** The public DNS name of a public address: ec2-198-51-100-7.compute-1.amazonaws.com in us-east-1. */
export function publicDnsName(region: string, ip: string): string {
  const host = `ec2-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

/** The subnet's IPv6 subnet upstream (one call), or the refusal AWS gives for a subnet without an IPv6 block. */
async function ipv6SubnetOf(ctx: ActionContext, subnet: Subnet): Promise<{ record: SubnetRecord; block: Cidr }> {
  const refuse = () => new Ec2Error('InvalidParameterValue', `You cannot assign IPv6 addresses to a network interface in subnet ${subnet.id}: the subnet has no IPv6 CIDR block.`);
  const association = subnet.attrs.ipv6Associations.find((a) => a.state === 'associated');
  if (!association) throw refuse();
  const { items } = await ctx.cloud.network.listSubnets(ctx.cloudCtx, { filters: { networkId: [subnet.attrs.networkId] } });
  const record = items.find((s) => s.ipVersion === 6);
  const block = parseCidr(association.ipv6CidrBlock);
  if (!record || !block) throw refuse();
  return { record, block };
}

function checkIpv6(block: Cidr, ip: string, param: string): string {
  const parsed = parseIp(ip);
  if (parsed?.version !== 6) throw ERRORS.invalidParameterValue(param, ip, 'It is not a valid IPv6 address.');
  if (!inCidr(block, parsed)) throw new Ec2Error('InvalidParameterValue', `Address ${formatIp(parsed)} does not fall within the subnet's address range`);
  return formatIp(parsed);
}

/** The interface's groups: given (or the VPC's default group), all in the subnet's VPC, at most the configured number. */
async function resolveGroups(ctx: ActionContext, ids: string[] | undefined, vpc: Resource<VpcAttrs>, subnetId: string, param: string): Promise<Group[]> {
  const wanted = ids?.length ? ids : [vpc.attrs.defaultSecurityGroupId];
  const groups = await requireResources<SecurityGroupAttrs>(ctx, 'security-group', wanted, param);
  if (groups.length > ctx.config.local.max_security_groups_per_interface) {
    throw ec2Error('SecurityGroupsPerInterfaceLimitExceeded', 'The maximum number of security groups per interface has been reached.');
  }
  const foreign = groups.find((g) => g.attrs.vpcId !== vpc.id);
  if (foreign) throw new Ec2Error('InvalidParameterValue', `Security group ${foreign.id} and subnet ${subnetId} belong to different networks.`);
  return groups;
}

/**
 * Disassociates the floating IPs on these addresses of the port (all of them when `addresses` is undefined), as
 * AWS disassociates an Elastic IP from an address that goes. The Elastic IP area sees it upstream (its association
 * holds only while the floating IP is on the port and address it was made for).
 */
async function releaseFloatingIps(ctx: ActionContext, portId: string, addresses?: string[]): Promise<void> {
  const net = ctx.cloud.network;
  const { items } = await net.listFloatingIps(ctx.cloudCtx, { filters: { portId: [portId] } });
  const hit = items.filter((f) => addresses === undefined || (f.fixedIpAddress !== null && addresses.includes(f.fixedIpAddress)));
  for (const f of hit) await net.updateFloatingIp(ctx.cloudCtx, f.id, { portId: null });
}

const keep = (p: PortRecord): FixedIpRequest[] => p.fixedIps.map((f) => ({ subnetId: f.subnetId, ipAddress: f.ipAddress }));

// ---------------------------------------------------------------------------------------------------------------
// Presentation

export interface EniView { resource: Eni; port: PortRecord; tags: Tag[]; ni: NetworkInterface }

interface PresentContext {
  groups: Map<string, Group>;
  /** Floating IPs by port id; their Elastic IP mappings by floating IP id. */
  fips: Map<string, FloatingIpRecord[]>;
  eips: Map<string, Resource<ElasticIpAttrs>>;
  zoneIds: Map<string, string>;
  subnets: Map<string, Subnet>;
}

/** The primary private IPv4 address: the stored one while the port still has it, else its first IPv4 address. */
function primaryOf(eni: Eni, port: PortRecord): string | undefined {
  const v4 = port.fixedIps.map((f) => f.ipAddress).filter(isV4);
  return v4.includes(eni.attrs.primaryIp) ? eni.attrs.primaryIp : v4[0];
}

function presentAttachment(ctx: ActionContext, a: NetworkInterfaceAttachmentAttrs): NetworkInterfaceAttachment {
  return {
    AttachTime: new Date(a.attachTime), AttachmentId: a.attachmentId, DeleteOnTermination: a.deleteOnTermination,
    DeviceIndex: a.deviceIndex, NetworkCardIndex: a.networkCardIndex ?? 0, InstanceId: a.instanceId,
    InstanceOwnerId: ctx.principal.ownerId, Status: 'attached',
  };
}

function present(ctx: ActionContext, eni: Eni, port: PortRecord, tags: Tag[], pc: PresentContext): NetworkInterface {
  const a = eni.attrs;
  const primary = primaryOf(eni, port);
  const v4 = port.fixedIps.map((f) => f.ipAddress).filter(isV4);
  const ordered = primary === undefined ? [] : [primary, ...v4.filter((ip) => ip !== primary)];
  const association = (ip: string): NetworkInterfaceAssociation | undefined => {
    const fip = pc.fips.get(port.id)?.find((f) => f.fixedIpAddress === ip);
    if (!fip) return undefined;
    const eip = pc.eips.get(fip.id);
    // The Elastic IP area's association holds while the floating IP is where it was associated (when it says where).
    const ea = eip?.attrs as (ElasticIpAttrs & { associatedPortId?: string; associatedIp?: string }) | undefined;
    const current = ea?.associatedPortId === undefined || (ea.associatedPortId === fip.portId && ea.associatedIp === fip.fixedIpAddress);
    return {
      AllocationId: eip?.id, AssociationId: current ? ea?.associationId : undefined, IpOwnerId: ctx.principal.ownerId,
      PublicDnsName: publicDnsName(ctx.region, fip.floatingIpAddress), PublicIp: fip.floatingIpAddress,
    };
  };
  const subnet = pc.subnets.get(a.subnetId);
  const zone = subnet?.attrs.availabilityZone;
  return {
    Association: primary === undefined ? undefined : association(primary),
    Attachment: a.attachment ? presentAttachment(ctx, a.attachment) : undefined,
    AvailabilityZone: zone,
    AvailabilityZoneId: zone === undefined ? undefined : pc.zoneIds.get(zone),
    Description: a.description,
    // Groups EC2 does not know (none mapped yet) cannot be named by an sg- id: left out.
    Groups: port.securityGroupIds.flatMap((osId) => {
      const g = pc.groups.get(osId);
      return g ? [{ GroupId: g.id, GroupName: g.attrs.groupName }] : [];
    }),
    InterfaceType: a.interfaceType as NetworkInterface['InterfaceType'],
    Ipv6Addresses: port.fixedIps.map((f) => f.ipAddress).filter((ip) => !isV4(ip)).map((ip) => ({ Ipv6Address: ip, IsPrimaryIpv6: false })),
    MacAddress: port.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: ctx.principal.ownerId,
    PrivateDnsName: primary === undefined ? undefined : privateDnsName(ctx.region, primary),
    PrivateIpAddress: primary,
    PrivateIpAddresses: ordered.map((ip) => ({
      Association: association(ip), Primary: ip === primary, PrivateDnsName: privateDnsName(ctx.region, ip), PrivateIpAddress: ip,
    })),
    RequesterManaged: a.requesterManaged,
    SourceDestCheck: a.sourceDestCheck,
    // A port a server uses without an EC2 attachment (attached outside EC2) is in use too.
    Status: a.attachment || port.deviceId !== '' ? 'in-use' : 'available',
    SubnetId: a.subnetId,
    TagSet: tags,
    VpcId: a.vpcId,
  };
}

/** What presenting needs besides the ports: groups, subnets, zones (store reads and one zone listing). */
async function presentContext(ctx: ActionContext, fips: FloatingIpRecord[]): Promise<PresentContext> {
  const [groups, subnets, zones, eips] = await Promise.all([
    ctx.store.resources.list<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group'),
    ctx.store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet'),
    zonesOf(ctx),
    fips.length ? ctx.store.resources.byOsIds<ElasticIpAttrs>(ctx.projectId, ctx.region, 'elastic-ip', fips.map((f) => f.id)) : [],
  ]);
  const byPort = new Map<string, FloatingIpRecord[]>();
  for (const f of fips) if (f.portId) byPort.set(f.portId, [...(byPort.get(f.portId) ?? []), f]);
  return {
    groups: new Map(groups.map((g) => [g.osId, g])),
    subnets: new Map(subnets.map((s) => [s.id, s])),
    zoneIds: new Map(zones.map((z) => [z.name, z.id])),
    fips: byPort,
    eips: new Map(eips.map((e) => [e.osId, e])),
  };
}

/** One interface as Describe shows it (a handful of calls: for the answers of single-interface actions). */
async function presentOne(ctx: ActionContext, eni: Eni, port: PortRecord): Promise<NetworkInterface> {
  const { items: fips } = await ctx.cloud.network.listFloatingIps(ctx.cloudCtx, { filters: { portId: [port.id] } });
  const tags = (await ctx.store.tags.of(ctx.projectId, [eni.id])).get(eni.id) ?? [];
  return present(ctx, eni, port, tags, await presentContext(ctx, fips));
}

// ---------------------------------------------------------------------------------------------------------------
// Create

export interface NewInterface {
  subnet: Subnet;
  vpc: Resource<VpcAttrs>;
  groups: Group[];
  description?: string;
  /** The primary private IPv4 address; undefined: one the cloud picks. */
  primary?: string;
  secondaries?: string[];
  secondaryCount?: number;
  ipv6?: string[];
  ipv6Count?: number;
  interfaceType?: string;
  tags?: Tag[];
}

/**
 * Creates an interface: the port upstream, then its mapping and tags in one store transaction; the port is
 * deleted again when a later step fails. Exported for RunInstances (interfaces made for an instance).
 */
export async function createInterface(ctx: ActionContext, n: NewInterface): Promise<{ resource: Eni; port: PortRecord }> {
  const eniId = newId('network-interface');
  const net = ctx.cloud.network;
  const { subnet } = n;
  const secondaries = n.secondaries ?? [];
  const count = n.secondaryCount ?? 0;
  const v6 = (n.ipv6?.length || n.ipv6Count) ? await ipv6SubnetOf(ctx, subnet) : undefined;
  const v6Requests: FixedIpRequest[] = v6
    ? [...(n.ipv6 ?? []).map((ip) => ({ subnetId: v6.record.id, ipAddress: ip })), ...Array.from({ length: n.ipv6Count ?? 0 }, () => ({ subnetId: v6.record.id }))]
    : [];
  const any = (k: number): FixedIpRequest[] => Array.from({ length: k }, () => ({ subnetId: subnet.osId }));
  // A cloud-picked primary among other cloud-picked addresses could not be told apart in Neutron's answer
  // (it keeps no order): the counted secondaries then come in a second step.
  const countLater = count > 0 && n.primary === undefined;
  const fixedIps: FixedIpRequest[] = [
    n.primary === undefined ? { subnetId: subnet.osId } : { subnetId: subnet.osId, ipAddress: n.primary },
    ...secondaries.map((ip) => ({ subnetId: subnet.osId, ipAddress: ip })),
    ...(countLater ? [] : any(count)),
    ...v6Requests,
  ];
  return createWithUndo(ctx, async (undo) => {
    let port = await undo.step('create port', () => translated(net.createPort(ctx.cloudCtx, {
      networkId: subnet.attrs.networkId, name: eniId, description: n.description ?? '', fixedIps,
      securityGroupIds: n.groups.map((g) => g.osId),
    })), (p) => net.deletePort(undo.cloudCtx, p.id));
    const explicit = new Set(secondaries);
    const primaryIp = n.primary ?? port.fixedIps.find((f) => f.subnetId === subnet.osId && !explicit.has(f.ipAddress))?.ipAddress ?? '';
    if (countLater) port = await translated(net.updatePort(ctx.cloudCtx, port.id, { fixedIps: [...keep(port), ...any(count)] }));
    const attrs: NetworkInterfaceAttrs = {
      vpcId: n.vpc.id, subnetId: subnet.id, description: n.description ?? '', sourceDestCheck: true,
      interfaceType: n.interfaceType ?? 'interface', primaryIp, requesterManaged: false,
    };
    const resource = await ctx.store.transaction(async (tx) => {
      let r = await tx.resources.create<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface', port.id, attrs, eniId);
      // A concurrent Describe may have mapped the new port first (first sight): keep its id, with this create's attributes.
      if (JSON.stringify(r.attrs) !== JSON.stringify(attrs)) {
        await tx.resources.updateAttrs(ctx.projectId, r.id, attrs);
        r = { ...r, attrs };
      }
      await writeCreateTags(tx, ctx.projectId, r.id, n.tags ?? []);
      return r;
    });
    return { resource, port };
  });
}

defineAction('CreateNetworkInterface', {
  supports: [
    'SubnetId', 'Description', 'PrivateIpAddress', 'PrivateIpAddresses', 'SecondaryPrivateIpAddressCount', 'Groups',
    'Ipv6Addresses', 'Ipv6AddressCount', 'InterfaceType', 'ClientToken', 'TagSpecifications',
  ],
  async handler(ctx, input) {
    if (input.SubnetId === undefined) throw ERRORS.missingParameter('SubnetId');
    const tags = tagsFromSpecifications(input.TagSpecifications, ['network-interface']).get('network-interface') ?? [];
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', input.SubnetId, 'SubnetId');
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', subnet.attrs.vpcId, 'VpcId');
    if (input.InterfaceType !== undefined && !['efa', 'efa-only', 'branch', 'trunk'].includes(input.InterfaceType)) {
      throw ERRORS.invalidParameterValue('InterfaceType', input.InterfaceType, "Valid values: 'efa', 'efa-only', 'branch', 'trunk'.");
    }
    // Addresses: PrivateIpAddress and PrivateIpAddresses (one Primary at most, the same as PrivateIpAddress), a count.
    let primary = input.PrivateIpAddress === undefined ? undefined : checkPrivateIp(subnet, input.PrivateIpAddress, 'PrivateIpAddress');
    const secondaries: string[] = [];
    (input.PrivateIpAddresses ?? []).forEach((spec, i) => {
      const param = `PrivateIpAddresses.${i + 1}.PrivateIpAddress`;
      if (spec.PrivateIpAddress === undefined) throw ERRORS.missingParameter(param);
      const ip = checkPrivateIp(subnet, spec.PrivateIpAddress, param);
      if (spec.Primary) {
        if (primary !== undefined && primary !== ip) {
          throw ERRORS.invalidParameterCombination('Only one primary private IP address can be specified.');
        }
        if (input.PrivateIpAddresses?.some((s, j) => j < i && s.Primary)) {
          throw ERRORS.invalidParameterCombination('Only one primary private IP address can be specified.');
        }
        primary = ip;
      } else if (ip !== primary) {
        secondaries.push(ip);
      }
    });
    if (primary !== undefined) {
      const k = secondaries.indexOf(primary);
      if (k >= 0) secondaries.splice(k, 1);
    }
    const all = [...(primary === undefined ? [] : [primary]), ...secondaries];
    if (new Set(all).size !== all.length) throw new Ec2Error('InvalidParameterValue', 'The same private IP address is given more than once.');
    const count = input.SecondaryPrivateIpAddressCount;
    if (count !== undefined) {
      if (!Number.isInteger(count) || count < 1) {
        throw ERRORS.invalidParameterValue('SecondaryPrivateIpAddressCount', count, 'It must be a positive number.');
      }
      if (secondaries.length) {
        throw ERRORS.invalidParameterCombination('SecondaryPrivateIpAddressCount cannot be specified with secondary addresses in PrivateIpAddresses.');
      }
    }
    if (1 + secondaries.length + (count ?? 0) > ctx.config.vpc.max_private_ips_per_interface) throw tooManyAddresses();
    // IPv6: explicit addresses or a count, in a subnet with an IPv6 block.
    if (input.Ipv6Addresses?.length && input.Ipv6AddressCount !== undefined) {
      throw ERRORS.invalidParameterCombination('Ipv6Addresses and Ipv6AddressCount cannot be specified together.');
    }
    if (input.Ipv6AddressCount !== undefined && (!Number.isInteger(input.Ipv6AddressCount) || input.Ipv6AddressCount < 0)) {
      throw ERRORS.invalidParameterValue('Ipv6AddressCount', input.Ipv6AddressCount, 'It must not be negative.');
    }
    let ipv6: string[] = [];
    if (input.Ipv6Addresses?.length || input.Ipv6AddressCount) {
      const { block } = await ipv6SubnetOf(ctx, subnet);
      ipv6 = (input.Ipv6Addresses ?? []).map((a, i) => {
        if (a.Ipv6Address === undefined) throw ERRORS.missingParameter(`Ipv6Addresses.${i + 1}.Ipv6Address`);
        return checkIpv6(block, a.Ipv6Address, `Ipv6Addresses.${i + 1}.Ipv6Address`);
      });
    }
    const groups = await resolveGroups(ctx, input.Groups, vpc, subnet.id, 'SecurityGroupId');
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const { resource, port } = await createInterface(ctx, {
        subnet, vpc, groups, description: input.Description, primary, secondaries, secondaryCount: count,
        ipv6, ipv6Count: input.Ipv6AddressCount, interfaceType: input.InterfaceType, tags,
      });
      const ni = await presentOne(ctx, resource, port);
      return { NetworkInterface: { ...ni, Status: 'pending' as NetworkInterface['Status'] }, ClientToken: input.ClientToken };
    });
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Describe

/** Attributes of a port seen for the first time (made outside EC2) on a subnet EC2 knows. */
function firstSight(port: PortRecord, subnets: Map<string, Subnet>): NetworkInterfaceAttrs | undefined {
  const fixed = port.fixedIps.find((f) => subnets.has(f.subnetId) && isV4(f.ipAddress));
  const subnet = fixed && subnets.get(fixed.subnetId);
  if (!fixed || !subnet) return undefined;
  return {
    vpcId: subnet.attrs.vpcId, subnetId: subnet.id, description: port.description, sourceDestCheck: true,
    interfaceType: 'interface', primaryIp: fixed.ipAddress, requesterManaged: false,
  };
}

const ni = (v: EniView) => v.ni;
const eniFilters: FilterTable<EniView> = {
  'addresses.private-ip-address': (v) => ni(v).PrivateIpAddresses?.map((x) => x.PrivateIpAddress),
  'addresses.primary': (v) => ni(v).PrivateIpAddresses?.map((x) => x.Primary),
  'addresses.association.public-ip': (v) => ni(v).PrivateIpAddresses?.map((x) => x.Association?.PublicIp),
  'addresses.association.owner-id': (v) => ni(v).PrivateIpAddresses?.map((x) => x.Association?.IpOwnerId),
  'association.association-id': (v) => ni(v).Association?.AssociationId,
  'association.allocation-id': (v) => ni(v).Association?.AllocationId,
  'association.ip-owner-id': (v) => ni(v).Association?.IpOwnerId,
  'association.public-ip': (v) => ni(v).Association?.PublicIp,
  'association.public-dns-name': (v) => ni(v).Association?.PublicDnsName,
  'attachment.attachment-id': (v) => ni(v).Attachment?.AttachmentId,
  'attachment.attach-time': (v) => ni(v).Attachment?.AttachTime,
  'attachment.delete-on-termination': (v) => ni(v).Attachment?.DeleteOnTermination,
  'attachment.device-index': (v) => ni(v).Attachment?.DeviceIndex,
  'attachment.instance-id': (v) => ni(v).Attachment?.InstanceId,
  'attachment.instance-owner-id': (v) => ni(v).Attachment?.InstanceOwnerId,
  'attachment.network-card-index': (v) => ni(v).Attachment?.NetworkCardIndex,
  'attachment.status': (v) => ni(v).Attachment?.Status,
  'availability-zone': (v) => ni(v).AvailabilityZone,
  'availability-zone-id': (v) => ni(v).AvailabilityZoneId,
  description: (v) => ni(v).Description,
  'group-id': (v) => ni(v).Groups?.map((g) => g.GroupId),
  'group-name': (v) => ni(v).Groups?.map((g) => g.GroupName),
  'ipv6-addresses.ipv6-address': (v) => ni(v).Ipv6Addresses?.map((x) => x.Ipv6Address),
  'interface-type': (v) => ni(v).InterfaceType,
  'mac-address': (v) => ni(v).MacAddress,
  'network-interface-id': (v) => ni(v).NetworkInterfaceId,
  'operator.managed': () => false,
  'operator.principal': () => undefined,
  'owner-id': (v) => ni(v).OwnerId,
  'private-ip-address': (v) => ni(v).PrivateIpAddresses?.map((x) => x.PrivateIpAddress),
  'private-dns-name': (v) => ni(v).PrivateDnsName,
  'requester-id': (v) => ni(v).RequesterId,
  'requester-managed': (v) => ni(v).RequesterManaged,
  'source-dest-check': (v) => ni(v).SourceDestCheck,
  status: (v) => ni(v).Status,
  'subnet-id': (v) => ni(v).SubnetId,
  'vpc-id': (v) => ni(v).VpcId,
};

/**
 * The project's interfaces: one listing of its ports (mapped to eni- ids, new ones on first sight), one of its
 * floating IPs, one of the zones; the rest from the store.
 */
export const networkInterfacesSpec: DescribeSpec<EniView> = {
  kind: 'network-interface',
  action: 'DescribeNetworkInterfaces',
  idParam: 'NetworkInterfaceId',
  id: (v) => v.resource.id,
  filters: eniFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 1000 },
  async load(ctx, q) {
    const net = ctx.cloud.network;
    const subnets = await ctx.store.resources.list<SubnetAttrs>(ctx.projectId, ctx.region, 'subnet');
    if (subnets.length === 0) return [];
    const [ports, fips] = await Promise.all([
      listAll((marker) => net.listPorts(ctx.cloudCtx, { marker })),
      listAll((marker) => net.listFloatingIps(ctx.cloudCtx, { marker })),
    ]);
    const byOsId = new Map(subnets.map((s) => [s.osId, s]));
    const candidates = ports.filter((p) => !p.deviceOwner.startsWith('network:') && p.fixedIps.some((f) => byOsId.has(f.subnetId)));
    let mapped = await mapCloudObjects(ctx, 'network-interface', candidates, {
      osId: (p) => p.id,
      firstSight: (p) => firstSight(p, byOsId),
      authoritative: { stillExists: async (id) => (await net.getPort(ctx.cloudCtx, id)) !== undefined },
    });
    if (q.ids) {
      const ids = new Set(q.ids);
      mapped = mapped.filter((m) => ids.has(m.resource.id));
    }
    const pc = await presentContext(ctx, fips);
    return mapped.map((m) => {
      const resource = m.resource as unknown as Eni;
      return { resource, port: m.record, tags: m.tags, ni: present(ctx, resource, m.record, m.tags, pc) };
    });
  },
};

defineAction('DescribeNetworkInterfaces', {
  supports: ['NetworkInterfaceIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const { items, nextToken } = await describe(ctx, networkInterfacesSpec, {
      ids: input.NetworkInterfaceIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { NetworkInterfaces: items.map((v) => v.ni), NextToken: nextToken };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Delete

/** The interface's port, or NotFound for the interface when it was deleted outside EC2. */
async function portOf(ctx: ActionContext, eni: Eni): Promise<PortRecord> {
  const port = await ctx.cloud.network.getPort(ctx.cloudCtx, eni.osId);
  if (!port) throw ERRORS.idNotFound('network-interface', [eni.id]);
  return port;
}

const interfaceInUse = (eni: Eni) => new Ec2Error('InvalidParameterValue', `Network interface '${eni.id}' is currently in use.`);

defineAction('DeleteNetworkInterface', {
  supports: ['NetworkInterfaceId'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    if (eni.attrs.attachment) throw interfaceInUse(eni);
    const port = await ctx.cloud.network.getPort(ctx.cloudCtx, eni.osId);
    // A port some server uses (attached outside EC2) is in use too.
    if (port && port.deviceId !== '') throw interfaceInUse(eni);
    if (port) {
      await releaseFloatingIps(ctx, port.id);
      try {
        await ctx.cloud.network.deletePort(ctx.cloudCtx, eni.osId);
      } catch (e) {
        if (isProviderError(e, 'InUse')) throw interfaceInUse(eni);
        if (!isProviderError(e, 'NotFound')) throw e;
      }
    }
    const permissions = await resourcesWhere<NetworkInterfacePermissionAttrs>(ctx, 'network-interface-permission', { networkInterfaceId: eni.id });
    await ctx.store.resources.delete(ctx.projectId, [eni.id, ...permissions.map((p) => p.id)]);
    return {};
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Attach / Detach

/** An instance as the instance area hands it to attachInterface (instances arrive with RunInstances). */
export interface InstanceRef {
  id: string;
  /** The server's backend id. */
  osId: string;
  availabilityZone: string;
  vpcId?: string;
  /** Plugs the port into the server (Nova interface attach). Absent when the server already has it (RunInstances passes its ports at boot). */
  plug?(portId: string): Promise<void>;
  /** Unplugs the port from the server (Nova interface detach). */
  unplug?(portId: string): Promise<void>;
}

/** Finds an instance of the project by its i- id; set by the instance area (until then no instance exists). */
let findInstance: (ctx: ActionContext, id: string) => Promise<InstanceRef | undefined> = async () => undefined;
export const setInstanceLookup = (fn: (ctx: ActionContext, id: string) => Promise<InstanceRef | undefined>) => {
  findInstance = fn;
};

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

async function requireInstance(ctx: ActionContext, id: string | undefined): Promise<InstanceRef> {
  if (id === undefined) throw ERRORS.missingParameter('InstanceId');
  if (!INSTANCE_ID.test(id)) throw ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}" (parameter InstanceId)`);
  const instance = await findInstance(ctx, id);
  if (!instance) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  return instance;
}

export interface AttachOptions { deviceIndex: number; networkCardIndex?: number; deleteOnTermination?: boolean }

/**
 * Attaches an interface to an instance: the interface must be free and in the instance's zone (and VPC), the
 * device index free on the instance; the port is plugged upstream (instance.plug) and the attachment recorded.
 * Exported for RunInstances, which attaches the interfaces it launches with.
 */
export async function attachInterface(ctx: ActionContext, eni: Eni, instance: InstanceRef, opts: AttachOptions): Promise<NetworkInterfaceAttachmentAttrs> {
  if (eni.attrs.attachment) throw ec2Error('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`);
  const subnet = await ctx.store.resources.find<SubnetAttrs>(ctx.projectId, ctx.region, eni.attrs.subnetId);
  if (instance.vpcId !== undefined && instance.vpcId !== eni.attrs.vpcId) {
    throw new Ec2Error('InvalidParameterValue', `Network interface ${eni.id} and instance ${instance.id} belong to different networks.`);
  }
  if (subnet && subnet.attrs.availabilityZone !== instance.availabilityZone) {
    throw new Ec2Error('InvalidParameterValue', `Network interface ${eni.id} and instance ${instance.id} are in different availability zones.`);
  }
  const taken = (all: Eni[]) => all.some((r) => r.attrs.attachment?.instanceId === instance.id && r.attrs.attachment.deviceIndex === opts.deviceIndex
    && (r.attrs.attachment.networkCardIndex ?? 0) === (opts.networkCardIndex ?? 0));
  const indexTaken = () => new Ec2Error('InvalidParameterValue', `Instance '${instance.id}' already has an interface attached at device index '${opts.deviceIndex}'.`);
  if (taken(await ctx.store.resources.list<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface'))) throw indexTaken();
  const attachment: NetworkInterfaceAttachmentAttrs = {
    attachmentId: newId('network-interface-attachment'), instanceId: instance.id, deviceIndex: opts.deviceIndex,
    deleteOnTermination: opts.deleteOnTermination ?? false, attachTime: new Date().toISOString(),
    ...(opts.networkCardIndex !== undefined ? { networkCardIndex: opts.networkCardIndex } : {}),
  };
  return createWithUndo(ctx, async (undo) => {
    if (instance.plug) {
      const { plug, unplug } = instance;
      await undo.step('plug port', () => plug(eni.osId), () => unplug?.(eni.osId) ?? Promise.resolve());
    }
    await ctx.store.transaction(async (tx) => {
      // Re-checked in the transaction: a concurrent attach may have taken the interface or the index.
      const now = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', eni.id, 'NetworkInterfaceId', tx);
      if (now.attrs.attachment) throw ec2Error('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`);
      if (taken(await tx.resources.list<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface'))) throw indexTaken();
      await tx.resources.updateAttrs(ctx.projectId, eni.id, { ...now.attrs, attachment });
    });
    return attachment;
  });
}

defineAction('AttachNetworkInterface', {
  supports: ['NetworkInterfaceId', 'InstanceId', 'DeviceIndex', 'NetworkCardIndex'],
  async handler(ctx, input) {
    if (input.DeviceIndex === undefined) throw ERRORS.missingParameter('DeviceIndex');
    if (!Number.isInteger(input.DeviceIndex) || input.DeviceIndex < 0) {
      throw ERRORS.invalidParameterValue('DeviceIndex', input.DeviceIndex, 'It must be a number from 0.');
    }
    if (input.NetworkCardIndex !== undefined && (!Number.isInteger(input.NetworkCardIndex) || input.NetworkCardIndex < 0)) {
      throw ERRORS.invalidParameterValue('NetworkCardIndex', input.NetworkCardIndex, 'It must be a number from 0.');
    }
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const instance = await requireInstance(ctx, input.InstanceId);
    const a = await attachInterface(ctx, eni, instance, { deviceIndex: input.DeviceIndex, networkCardIndex: input.NetworkCardIndex });
    return { AttachmentId: a.attachmentId, NetworkCardIndex: a.networkCardIndex ?? 0 };
  },
});

/** The interface that has the attachment `id` (given in `param`). */
async function interfaceOfAttachment(ctx: ActionContext, id: string | undefined, param: string): Promise<Eni> {
  if (id === undefined) throw ERRORS.missingParameter(param);
  if (!isValidId('network-interface-attachment', id)) throw ERRORS.malformedId('network-interface-attachment', id, param);
  const all = await ctx.store.resources.list<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface');
  const eni = all.find((r) => r.attrs.attachment?.attachmentId === id);
  if (!eni) throw ERRORS.idNotFound('network-interface-attachment', [id]);
  return eni;
}

/** Detaches an interface (unplugged upstream through the instance area); exported for TerminateInstances. */
export async function detachInterface(ctx: ActionContext, eni: Eni): Promise<void> {
  const a = eni.attrs.attachment;
  if (!a) return;
  const instance = a.instanceId ? await findInstance(ctx, a.instanceId) : undefined;
  if (instance?.unplug) await instance.unplug(eni.osId);
  const { attachment: _gone, ...rest } = eni.attrs;
  await ctx.store.resources.updateAttrs(ctx.projectId, eni.id, rest);
}

defineAction('DetachNetworkInterface', {
  supports: ['AttachmentId', 'Force'],
  async handler(ctx, input) {
    const eni = await interfaceOfAttachment(ctx, input.AttachmentId, 'AttachmentId');
    if (eni.attrs.attachment?.deviceIndex === 0) {
      throw ec2Error('OperationNotPermitted', 'The network interface at device index 0 cannot be detached.');
    }
    await detachInterface(ctx, eni);
    return {};
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Attributes

const ATTRIBUTES = ['description', 'groupSet', 'sourceDestCheck', 'attachment', 'associatePublicIpAddress'] as const;

/** Source/destination checking off: the port may send and receive for any address (Neutron allowed address pairs). */
const addressPairs = (sourceDestCheck: boolean) => (sourceDestCheck ? [] : [{ ipAddress: '0.0.0.0/0' }]);

defineAction('DescribeNetworkInterfaceAttribute', {
  supports: ['NetworkInterfaceId', 'Attribute'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const attribute = input.Attribute;
    if (attribute === undefined) throw ERRORS.missingParameter('Attribute');
    if (!(ATTRIBUTES as readonly string[]).includes(attribute)) {
      throw ERRORS.invalidParameterValue('Attribute', attribute, `Valid values: ${ATTRIBUTES.join(', ')}.`);
    }
    const base = { NetworkInterfaceId: eni.id };
    switch (attribute) {
      case 'description':
        return { ...base, Description: { Value: eni.attrs.description } };
      case 'sourceDestCheck':
        return { ...base, SourceDestCheck: { Value: eni.attrs.sourceDestCheck } };
      case 'attachment':
        return { ...base, Attachment: eni.attrs.attachment ? presentAttachment(ctx, eni.attrs.attachment) : undefined };
      case 'associatePublicIpAddress':
        return { ...base, AssociatePublicIpAddress: false };
      default: {
        const port = await portOf(ctx, eni);
        const groups = new Map((await ctx.store.resources.byOsIds<SecurityGroupAttrs>(ctx.projectId, ctx.region, 'security-group', port.securityGroupIds)).map((g) => [g.osId, g]));
        return {
          ...base,
          Groups: port.securityGroupIds.flatMap((osId) => {
            const g = groups.get(osId);
            return g ? [{ GroupId: g.id, GroupName: g.attrs.groupName }] : [];
          }),
        };
      }
    }
  },
});

defineAction('ModifyNetworkInterfaceAttribute', {
  supports: ['NetworkInterfaceId', 'Description', 'SourceDestCheck', 'Groups', 'Attachment'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const given = ([
      ['description', input.Description], ['sourceDestCheck', input.SourceDestCheck], ['groupSet', input.Groups], ['attachment', input.Attachment],
    ] as const).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (given.length === 0) throw new Ec2Error('MissingParameter', 'The request must contain one of the attributes Description, SourceDestCheck, SecurityGroupId or Attachment');
    if (given.length > 1) throw ERRORS.invalidParameterCombination(`Fields for multiple attribute types specified: ${given.join(', ')}`);
    const net = ctx.cloud.network;
    const a = eni.attrs;
    if (input.Description !== undefined) {
      const value = input.Description.Value ?? '';
      await net.updatePort(ctx.cloudCtx, eni.osId, { description: value });
      await ctx.store.resources.updateAttrs(ctx.projectId, eni.id, { ...a, description: value });
    } else if (input.SourceDestCheck !== undefined) {
      const value = input.SourceDestCheck.Value;
      if (value === undefined) throw ERRORS.missingParameter('SourceDestCheck.Value');
      await net.updatePort(ctx.cloudCtx, eni.osId, { allowedAddressPairs: addressPairs(value) });
      await ctx.store.resources.updateAttrs(ctx.projectId, eni.id, { ...a, sourceDestCheck: value });
    } else if (input.Groups !== undefined) {
      if (input.Groups.length === 0) throw ERRORS.missingParameter('SecurityGroupId');
      const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', a.vpcId, 'VpcId');
      const groups = await resolveGroups(ctx, input.Groups, vpc, a.subnetId, 'SecurityGroupId');
      await net.updatePort(ctx.cloudCtx, eni.osId, { securityGroupIds: groups.map((g) => g.osId) });
    } else if (input.Attachment !== undefined) {
      const { AttachmentId, DeleteOnTermination } = input.Attachment;
      if (AttachmentId === undefined) throw ERRORS.missingParameter('Attachment.AttachmentId');
      if (!isValidId('network-interface-attachment', AttachmentId)) throw ERRORS.malformedId('network-interface-attachment', AttachmentId, 'Attachment.AttachmentId');
      if (a.attachment?.attachmentId !== AttachmentId) throw ERRORS.idNotFound('network-interface-attachment', [AttachmentId]);
      if (DeleteOnTermination !== undefined) {
        await ctx.store.resources.updateAttrs(ctx.projectId, eni.id, { ...a, attachment: { ...a.attachment, deleteOnTermination: DeleteOnTermination } });
      }
    }
    return {};
  },
});

defineAction('ResetNetworkInterfaceAttribute', {
  supports: ['NetworkInterfaceId', 'SourceDestCheck'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    if (input.SourceDestCheck === undefined) throw ERRORS.missingParameter('SourceDestCheck');
    await ctx.cloud.network.updatePort(ctx.cloudCtx, eni.osId, { allowedAddressPairs: addressPairs(true) });
    await ctx.store.resources.updateAttrs(ctx.projectId, eni.id, { ...eni.attrs, sourceDestCheck: true });
    return {};
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Private IPv4 addresses

defineAction('AssignPrivateIpAddresses', {
  supports: ['NetworkInterfaceId', 'PrivateIpAddresses', 'SecondaryPrivateIpAddressCount', 'AllowReassignment'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const explicit = input.PrivateIpAddresses ?? [];
    const count = input.SecondaryPrivateIpAddressCount;
    if (explicit.length && count !== undefined) {
      throw ERRORS.invalidParameterCombination('PrivateIpAddresses and SecondaryPrivateIpAddressCount cannot be specified together.');
    }
    if (!explicit.length && count === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter PrivateIpAddress or SecondaryPrivateIpAddressCount');
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
      throw ERRORS.invalidParameterValue('SecondaryPrivateIpAddressCount', count, 'It must be a positive number.');
    }
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', eni.attrs.subnetId, 'SubnetId');
    const wanted = explicit.map((ip, i) => checkPrivateIp(subnet, ip, `PrivateIpAddress.${i + 1}`));
    if (new Set(wanted).size !== wanted.length) throw new Ec2Error('InvalidParameterValue', 'The same private IP address is given more than once.');
    const net = ctx.cloud.network;
    const port = await portOf(ctx, eni);
    const before = new Set(port.fixedIps.map((f) => f.ipAddress));
    const v4Count = [...before].filter(isV4).length;
    if (v4Count + wanted.length + (count ?? 0) > ctx.config.vpc.max_private_ips_per_interface) throw tooManyAddresses();
    if (wanted.some((ip) => before.has(ip))) throw inUseAddress();
    if (wanted.length && input.AllowReassignment) {
      // Take the addresses from the project's other interfaces that hold them (not a primary address).
      const { items: holders } = await net.listPorts(ctx.cloudCtx, { filters: { subnetId: [subnet.osId], ipAddress: wanted } });
      const owners = new Map((await ctx.store.resources.byOsIds<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface', holders.map((h) => h.id))).map((r) => [r.osId, r]));
      for (const holder of holders) {
        const owner = owners.get(holder.id);
        const taking = holder.fixedIps.filter((f) => wanted.includes(f.ipAddress)).map((f) => f.ipAddress);
        if (!owner || (owner && taking.includes(primaryOf(owner, holder) ?? ''))) throw inUseAddress();
        await translated(net.updatePort(ctx.cloudCtx, holder.id, { fixedIps: keep(holder).filter((f) => !taking.includes(f.ipAddress ?? '')) }));
      }
    }
    const after = await translated(net.updatePort(ctx.cloudCtx, eni.osId, {
      fixedIps: [
        ...keep(port), ...wanted.map((ip) => ({ subnetId: subnet.osId, ipAddress: ip })),
        ...Array.from({ length: count ?? 0 }, () => ({ subnetId: subnet.osId })),
      ],
    }));
    const assigned = after.fixedIps.map((f) => f.ipAddress).filter((ip) => isV4(ip) && !before.has(ip));
    return { NetworkInterfaceId: eni.id, AssignedPrivateIpAddresses: assigned.map((ip) => ({ PrivateIpAddress: ip })) };
  },
});

defineAction('UnassignPrivateIpAddresses', {
  supports: ['NetworkInterfaceId', 'PrivateIpAddresses'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const wanted = input.PrivateIpAddresses ?? [];
    if (!wanted.length) throw ERRORS.missingParameter('PrivateIpAddress');
    const port = await portOf(ctx, eni);
    const has = new Set(port.fixedIps.map((f) => f.ipAddress));
    const missing = wanted.filter((ip) => !has.has(ip));
    if (missing.length) throw new Ec2Error('InvalidParameterValue', `Some of the specified addresses are not assigned to interface ${eni.id}`);
    const primary = primaryOf(eni, port);
    if (primary !== undefined && wanted.includes(primary)) {
      throw new Ec2Error('InvalidParameterValue', `The primary private IP address ${primary} of network interface ${eni.id} cannot be unassigned.`);
    }
    await releaseFloatingIps(ctx, port.id, wanted);
    await ctx.cloud.network.updatePort(ctx.cloudCtx, eni.osId, { fixedIps: keep(port).filter((f) => !wanted.includes(f.ipAddress ?? '')) });
    return {};
  },
});

// ---------------------------------------------------------------------------------------------------------------
// IPv6 addresses

defineAction('AssignIpv6Addresses', {
  supports: ['NetworkInterfaceId', 'Ipv6Addresses', 'Ipv6AddressCount'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const explicit = input.Ipv6Addresses ?? [];
    const count = input.Ipv6AddressCount;
    if (explicit.length && count !== undefined) throw ERRORS.invalidParameterCombination('Ipv6Addresses and Ipv6AddressCount cannot be specified together.');
    if (!explicit.length && count === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter Ipv6Addresses or Ipv6AddressCount');
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw ERRORS.invalidParameterValue('Ipv6AddressCount', count, 'It must be a positive number.');
    const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', eni.attrs.subnetId, 'SubnetId');
    const { record, block } = await ipv6SubnetOf(ctx, subnet);
    const wanted = explicit.map((ip, i) => checkIpv6(block, ip, `Ipv6Addresses.${i + 1}`));
    const port = await portOf(ctx, eni);
    const before = new Set(port.fixedIps.map((f) => f.ipAddress));
    const after = await translated(ctx.cloud.network.updatePort(ctx.cloudCtx, eni.osId, {
      fixedIps: [...keep(port), ...wanted.map((ip) => ({ subnetId: record.id, ipAddress: ip })), ...Array.from({ length: count ?? 0 }, () => ({ subnetId: record.id }))],
    }));
    const assigned = after.fixedIps.map((f) => f.ipAddress).filter((ip) => !isV4(ip) && !before.has(ip));
    return { NetworkInterfaceId: eni.id, AssignedIpv6Addresses: assigned };
  },
});

defineAction('UnassignIpv6Addresses', {
  supports: ['NetworkInterfaceId', 'Ipv6Addresses'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    const wanted = input.Ipv6Addresses ?? [];
    if (!wanted.length) throw ERRORS.missingParameter('Ipv6Addresses');
    const port = await portOf(ctx, eni);
    const has = new Map(port.fixedIps.filter((f) => !isV4(f.ipAddress)).map((f) => [formatIp(parseIp(f.ipAddress) ?? { version: 6, value: 0n }), f.ipAddress]));
    const canonical = wanted.map((ip) => {
      const p = parseIp(ip);
      return p ? formatIp(p) : ip;
    });
    if (canonical.some((ip) => !has.has(ip))) throw new Ec2Error('InvalidParameterValue', `Some of the specified addresses are not assigned to interface ${eni.id}`);
    const dropping = new Set(canonical.map((ip) => has.get(ip)));
    await ctx.cloud.network.updatePort(ctx.cloudCtx, eni.osId, { fixedIps: keep(port).filter((f) => !dropping.has(f.ipAddress)) });
    return { NetworkInterfaceId: eni.id, UnassignedIpv6Addresses: canonical };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Permissions (store only)

type PermissionResource = Resource<NetworkInterfacePermissionAttrs>;

function presentPermission(p: PermissionResource): NetworkInterfacePermission {
  return {
    NetworkInterfacePermissionId: p.id, NetworkInterfaceId: p.attrs.networkInterfaceId, AwsAccountId: p.attrs.awsAccountId,
    AwsService: p.attrs.awsService, Permission: p.attrs.permission, PermissionState: { State: 'granted' },
  };
}

defineAction('CreateNetworkInterfacePermission', {
  supports: ['NetworkInterfaceId', 'AwsAccountId', 'AwsService', 'Permission'],
  async handler(ctx, input) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId as string, 'NetworkInterfaceId');
    if (input.Permission === undefined) throw ERRORS.missingParameter('Permission');
    if (input.Permission !== 'INSTANCE-ATTACH' && input.Permission !== 'EIP-ASSOCIATE') {
      throw ERRORS.invalidParameterValue('Permission', input.Permission, "Valid values: 'INSTANCE-ATTACH', 'EIP-ASSOCIATE'.");
    }
    if ((input.AwsAccountId === undefined) === (input.AwsService === undefined)) {
      throw ERRORS.invalidParameterCombination('Exactly one of AwsAccountId and AwsService must be specified.');
    }
    if (input.AwsAccountId !== undefined && !/^\d{12}$/.test(input.AwsAccountId) && input.AwsAccountId !== ctx.principal.ownerId) {
      throw ERRORS.invalidParameterValue('AwsAccountId', input.AwsAccountId, 'It must be a 12-digit account id.');
    }
    if (input.AwsService !== undefined && !/^[a-z0-9.-]+\.amazonaws\.com$/.test(input.AwsService)) {
      throw ERRORS.invalidParameterValue('AwsService', input.AwsService, 'It must be the name of an AWS service principal.');
    }
    const attrs: NetworkInterfacePermissionAttrs = {
      networkInterfaceId: eni.id, permission: input.Permission,
      ...(input.AwsAccountId !== undefined ? { awsAccountId: input.AwsAccountId } : { awsService: input.AwsService }),
    };
    const p = await ctx.store.resources.createOwn(ctx.projectId, ctx.region, 'network-interface-permission', attrs);
    return { InterfacePermission: presentPermission(p) };
  },
});

defineAction('DeleteNetworkInterfacePermission', {
  supports: ['NetworkInterfacePermissionId', 'Force'],
  async handler(ctx, input) {
    const p = await requireResource(ctx, 'network-interface-permission', input.NetworkInterfacePermissionId as string, 'NetworkInterfacePermissionId');
    await ctx.store.resources.delete(ctx.projectId, [p.id]);
    return { Return: true };
  },
});

const permissionFilters: FilterTable<PermissionResource> = {
  'network-interface-permission.network-interface-permission-id': (p) => p.id,
  'network-interface-permission.network-interface-id': (p) => p.attrs.networkInterfaceId,
  'network-interface-permission.aws-account-id': (p) => p.attrs.awsAccountId,
  'network-interface-permission.aws-service': (p) => p.attrs.awsService,
  'network-interface-permission.permission': (p) => p.attrs.permission,
};

const permissionsSpec: DescribeSpec<PermissionResource> = {
  kind: 'network-interface-permission',
  action: 'DescribeNetworkInterfacePermissions',
  idParam: 'NetworkInterfacePermissionId',
  id: (p) => p.id,
  filters: permissionFilters,
  paging: { min: 5, max: 255 },
  async load(ctx, q) {
    const all = q.ids
      ? await ctx.store.resources.findMany<NetworkInterfacePermissionAttrs>(ctx.projectId, ctx.region, q.ids)
      : await ctx.store.resources.list<NetworkInterfacePermissionAttrs>(ctx.projectId, ctx.region, 'network-interface-permission');
    return all.filter((r) => r.kind === 'network-interface-permission');
  },
};

defineAction('DescribeNetworkInterfacePermissions', {
  supports: ['NetworkInterfacePermissionIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const { items, nextToken } = await describe(ctx, permissionsSpec, {
      ids: input.NetworkInterfacePermissionIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { NetworkInterfacePermissions: items.map(presentPermission), NextToken: nextToken };
  },
});
