/**
 * Elastic IP addresses: AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress, DescribeAddresses,
 * Describe/Modify/ResetAddressAttribute, and the EC2-Classic operations (MoveAddressToVpc, RestoreAddressToClassic,
 * DescribeMovingAddresses) as AWS answers them for a VPC-only account.
 *
 * An Elastic IP is a floating IP of the network service on the external network (osId); an association is the
 * floating IP's port and fixed address, its eipassoc- id kept in the store (ElasticIpAttrs). Floating IPs made
 * outside EC2 get an allocation id on first sight; an association made outside EC2 shows with an association id
 * derived from the allocation id. Every account is VPC-only, as every AWS account is since EC2-Classic retired.
 */
import type { Address, AddressAttribute } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import { listAll } from '../cloud/paging.js';
import type { FloatingIpRecord } from '../cloud/records.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { canonicalIp, parseIp } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource } from '../resources/lookup.js';
import { type Mapped, mapCloudObjects } from '../resources/mapping.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource } from '../store/store.js';
import type { ElasticIpAttrs, NetworkInterfaceAttrs, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

/** A floating IP with its EC2 mapping, and the network interface (port) it is associated with, when EC2 knows it. */
export interface AddressView extends Mapped<FloatingIpRecord> {
  eni?: Resource<NetworkInterfaceAttrs>;
  region: string;
  ownerId: string;
}

const ADDRESS_LIMIT = 'The maximum number of addresses has been reached.';
/** AWS's answer to EC2-Classic features in an account (or region) that has only EC2-VPC. */
const CLASSIC_UNAVAILABLE = 'The functionality you requested is not available in this region.';

type AnyResource = Pick<Resource, 'id'> & { attrs: object };
const attrsOf = (r: AnyResource): ElasticIpAttrs => r.attrs as ElasticIpAttrs;
const hexOf = (id: string) => id.slice(id.lastIndexOf('-') + 1);

/**
 * The association id of an associated floating IP: the stored one when the association was made through EC2 and
 * is still the one upstream, else (made or changed outside EC2) one derived from the allocation id. Undefined when
 * the address is not associated.
 */
export function associationIdOf(resource: AnyResource, record: FloatingIpRecord): string | undefined {
  if (!record.portId) return undefined;
  const a = attrsOf(resource);
  if (a.associationId && a.associatedPortId === record.portId && a.associatedIp === record.fixedIpAddress) return a.associationId;
  return `eipassoc-${hexOf(resource.id)}`;
}

/** The external network addresses come from (the embedded cloud: its public pool). */
async function externalNetworkId(ctx: ActionContext): Promise<string> {
  const nets = await ctx.cloud.network.listExternalNetworks(ctx.cloudCtx);
  if (nets.length === 0) throw ec2Error('UnsupportedOperation', 'The cloud has no external network to allocate public addresses from.');
  return nets[0].id;
}

/** A public IPv4 address given by the client, canonical; InvalidParameterValue naming `param` otherwise. */
function publicIpParam(value: string, param: string): string {
  const ip = parseIp(value);
  if (ip?.version !== 4) throw ERRORS.invalidParameterValue(param, value, 'It is not a valid IPv4 address.');
  return canonicalIp(value) as string;
}

/** AWS's answer for a public address that is not one of the caller's. */
const notYours = (ip: string) => new Ec2Error('AuthFailure', `The address '${ip}' does not belong to you.`, 400);

// ---- loading -------------------------------------------------------------------------------------------------

/**
 * The project's addresses: one floating IP listing (by backend id when ids are asked for), EC2 ids on first sight,
 * the interfaces of associated ones from the store (no port listing needed: an interface's osId is its port).
 */
async function loadAddresses(ctx: ActionContext, ids?: string[]): Promise<AddressView[]> {
  const net = ctx.cloud.network;
  let osIds: string[] | undefined;
  if (ids) {
    osIds = (await ctx.store.resources.findMany(ctx.projectId, ctx.region, ids)).filter((r) => r.kind === 'elastic-ip').map((r) => r.osId);
    if (osIds.length === 0) return [];
  }
  const scoped = osIds;
  const records = await listAll((marker) => net.listFloatingIps(ctx.cloudCtx, { ids: scoped, marker }));
  const mapped = await mapCloudObjects(ctx, 'elastic-ip', records, {
    osId: (r) => r.id,
    firstSight: () => ({}),
    authoritative: { osIds: scoped, stillExists: async (id) => (await net.getFloatingIp(ctx.cloudCtx, id)) !== undefined },
  });
  const ports = [...new Set(mapped.flatMap((m) => (m.record.portId ? [m.record.portId] : [])))];
  const enis = ports.length
    ? new Map((await ctx.store.resources.byOsIds<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface', ports)).map((r) => [r.osId, r]))
    : new Map<string, Resource<NetworkInterfaceAttrs>>();
  return mapped.map((m) => ({
    ...m, eni: m.record.portId ? enis.get(m.record.portId) : undefined, region: ctx.region, ownerId: ctx.principal.ownerId,
  }));
}

/** One address by allocation id: the store's mapping and the live floating IP (a mapping whose floating IP is gone is forgotten). */
async function requireAddress(ctx: ActionContext, allocationId: string, param = 'AllocationId'): Promise<{ resource: Resource<ElasticIpAttrs>; record: FloatingIpRecord }> {
  const resource = await requireResource<ElasticIpAttrs>(ctx, 'elastic-ip', allocationId, param);
  const record = await ctx.cloud.network.getFloatingIp(ctx.cloudCtx, resource.osId);
  if (!record) {
    await ctx.store.resources.delete(ctx.projectId, [resource.id]);
    throw ERRORS.idNotFound('elastic-ip', [allocationId]);
  }
  return { resource, record };
}

/** The caller's address with this public IP (one filtered listing); AuthFailure when it is not one of theirs. */
async function addressByPublicIp(ctx: ActionContext, value: string, param = 'PublicIp') {
  const ip = publicIpParam(value, param);
  const { items } = await ctx.cloud.network.listFloatingIps(ctx.cloudCtx, { filters: { floatingIpAddress: [ip] } });
  const [view] = items.length ? await mapCloudObjects(ctx, 'elastic-ip', items, { osId: (r) => r.id, firstSight: () => ({}) }) : [];
  if (!view) throw notYours(value);
  return { resource: view.resource as Resource<ElasticIpAttrs>, record: view.record };
}

export function presentAddress(v: AddressView): Address {
  const associationId = associationIdOf(v.resource, v.record);
  const instanceId = v.eni?.attrs.attachment?.instanceId;
  return {
    AllocationId: v.resource.id,
    AssociationId: associationId,
    Domain: 'vpc',
    NetworkInterfaceId: associationId ? v.eni?.id : undefined,
    NetworkInterfaceOwnerId: associationId && v.eni ? v.ownerId : undefined,
    PrivateIpAddress: v.record.fixedIpAddress ?? undefined,
    Tags: tagSet(v.tags),
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: v.region,
    InstanceId: associationId ? instanceId : undefined,
    PublicIp: v.record.floatingIpAddress,
  };
}

const addressFilters: FilterTable<AddressView> = {
  'allocation-id': (v) => v.resource.id,
  'association-id': (v) => associationIdOf(v.resource, v.record),
  domain: () => 'vpc',
  'instance-id': (v) => (v.record.portId ? v.eni?.attrs.attachment?.instanceId : undefined),
  'network-border-group': (v) => v.region,
  'network-interface-id': (v) => (v.record.portId ? v.eni?.id : undefined),
  'network-interface-owner-id': (v) => (v.record.portId && v.eni ? v.ownerId : undefined),
  'private-ip-address': (v) => v.record.fixedIpAddress ?? undefined,
  'public-ip': (v) => v.record.floatingIpAddress,
};

export const addressesSpec: DescribeSpec<AddressView> = {
  kind: 'elastic-ip',
  action: 'DescribeAddresses',
  idParam: 'AllocationId',
  id: (v) => v.resource.id,
  name: (v) => v.record.floatingIpAddress,
  filters: addressFilters,
  tags: (v) => v.tags,
  async load(ctx, q) {
    // Public IPs are looked up in the whole listing (an address is found by its IP, whatever the ids asked for).
    const views = await loadAddresses(ctx, q.names ? undefined : q.ids);
    if (q.names) {
      const seen = new Set(views.map((v) => v.record.floatingIpAddress));
      const missing = q.names.filter((n) => !seen.has(n));
      if (missing.length) throw ec2Error('InvalidAddress.NotFound', `Address '${missing[0]}' not found.`);
      if (q.ids) {
        const known = new Set(views.map((v) => v.resource.id));
        const lost = q.ids.filter((id) => !known.has(id));
        if (lost.length) throw ERRORS.idNotFound('elastic-ip', lost);
        return views.filter((v) => q.ids?.includes(v.resource.id) || q.names?.includes(v.record.floatingIpAddress));
      }
    }
    return views;
  },
};

// ---- AllocateAddress ------------------------------------------------------------------------------------------

function checkBorderGroup(ctx: ActionContext, value: string | undefined) {
  if (value === undefined || value === '' || value === ctx.region) return;
  throw ERRORS.invalidParameterValue('NetworkBorderGroup', value, `The network border group of this region is '${ctx.region}'.`);
}

defineAction('AllocateAddress', {
  supports: ['Domain', 'Address', 'PublicIpv4Pool', 'NetworkBorderGroup', 'TagSpecifications'],
  async handler(ctx, input) {
    // Domain: AWS allocates a VPC address whatever the value ('standard' included: every account is VPC-only).
    checkBorderGroup(ctx, input.NetworkBorderGroup);
    if (input.PublicIpv4Pool !== undefined && input.PublicIpv4Pool !== 'amazon') {
      throw ERRORS.invalidParameterValue('PublicIpv4Pool', input.PublicIpv4Pool,
        "This cloud has one pool of public addresses, 'amazon': there are no BYOIP pools.");
    }
    const wanted = input.Address === undefined ? undefined : publicIpParam(input.Address, 'Address');
    const tags = tagsFromSpecifications(input.TagSpecifications, ['elastic-ip']).get('elastic-ip') ?? [];
    const net = ctx.cloud.network;
    const networkId = await externalNetworkId(ctx);
    // The allocation id is chosen first and written on the floating IP (its description), for the operator.
    const allocationId = newId('elastic-ip');
    const { resource, record } = await createWithUndo(ctx, async (undo) => {
      const record = await undo.step('create floating IP', async () => {
        try {
          return await net.createFloatingIp(ctx.cloudCtx, { floatingNetworkId: networkId, floatingIpAddress: wanted, description: allocationId });
        } catch (e) {
          if (isProviderError(e, 'QuotaExceeded') || isProviderError(e, 'IpAddressExhausted')) throw ec2Error('AddressLimitExceeded', ADDRESS_LIMIT);
          // Not in the pool, or taken: AWS cannot tell the two apart either.
          if (wanted !== undefined && (isProviderError(e, 'Conflict') || isProviderError(e, 'BadRequest'))) {
            throw ec2Error('InvalidAddress.NotFound', `The Elastic IP address '${input.Address}' does not exist or is not available.`);
          }
          throw e;
        }
      }, (f) => net.deleteFloatingIp(undo.cloudCtx, f.id));
      const resource = await ctx.store.transaction(async (tx) => {
        // A concurrent DescribeAddresses may have mapped it first: create answers that mapping.
        const r = await tx.resources.create<ElasticIpAttrs>(ctx.projectId, ctx.region, 'elastic-ip', record.id, {}, allocationId);
        await writeCreateTags(tx, ctx.projectId, r.id, tags);
        return r;
      });
      return { resource, record };
    });
    return {
      PublicIp: record.floatingIpAddress, AllocationId: resource.id, PublicIpv4Pool: 'amazon', NetworkBorderGroup: ctx.region, Domain: 'vpc',
    };
  },
});

// ---- AssociateAddress -----------------------------------------------------------------------------------------

interface Target { eni: Resource<NetworkInterfaceAttrs>; portId: string; fixedIp: string }

/** The interface an instance's address goes to: its primary interface (device index 0). */
async function primaryInterfaceOf(ctx: ActionContext, instanceId: string): Promise<Resource<NetworkInterfaceAttrs>> {
  if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(instanceId)) throw ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${instanceId}" (expecting "i-...")`);
  const enis = await ctx.store.resources.list<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface');
  const eni = enis.find((r) => r.attrs.attachment?.instanceId === instanceId && r.attrs.attachment.deviceIndex === 0);
  if (!eni) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  return eni;
}

async function resolveTarget(ctx: ActionContext, input: { InstanceId?: string; NetworkInterfaceId?: string; PrivateIpAddress?: string }): Promise<Target> {
  const eni = input.NetworkInterfaceId !== undefined
    ? await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId, 'NetworkInterfaceId')
    : await primaryInterfaceOf(ctx, input.InstanceId as string);
  const port = await ctx.cloud.network.getPort(ctx.cloudCtx, eni.osId);
  if (!port) throw ERRORS.idNotFound('network-interface', [eni.id]);
  const v4 = port.fixedIps.map((f) => f.ipAddress).filter((a) => parseIp(a)?.version === 4);
  let fixedIp = eni.attrs.primaryIp && v4.includes(eni.attrs.primaryIp) ? eni.attrs.primaryIp : v4[0];
  if (input.PrivateIpAddress !== undefined) {
    const wanted = canonicalIp(input.PrivateIpAddress);
    if (!wanted || parseIp(wanted)?.version !== 4) throw ERRORS.invalidParameterValue('PrivateIpAddress', input.PrivateIpAddress, 'It is not a valid IPv4 address.');
    if (!v4.includes(wanted)) {
      throw ERRORS.invalidParameterValue('PrivateIpAddress', input.PrivateIpAddress, `The address is not assigned to the network interface ${eni.id}.`);
    }
    fixedIp = wanted;
  }
  if (!fixedIp) throw ERRORS.invalidParameterValue('NetworkInterfaceId', eni.id, 'The network interface has no private IPv4 address.');
  return { eni, portId: port.id, fixedIp };
}

const notAttached = (vpcId: string) => ec2Error('Gateway.NotAttached', `Network ${vpcId} is not attached to any internet gateway`);

/** Points the floating IP at the target upstream; another address on the same private address is taken off it first, as AWS does. */
async function associateUpstream(ctx: ActionContext, fipId: string, target: Target): Promise<FloatingIpRecord> {
  const net = ctx.cloud.network;
  const update = () => net.updateFloatingIp(ctx.cloudCtx, fipId, { portId: target.portId, fixedIpAddress: target.fixedIp });
  try {
    return await update();
  } catch (e) {
    if (isProviderError(e, 'BadRequest')) throw notAttached(target.eni.attrs.vpcId);
    if (!isProviderError(e, 'Conflict')) throw e;
  }
  const { items } = await net.listFloatingIps(ctx.cloudCtx, { filters: { portId: [target.portId] } });
  const other = items.find((f) => f.id !== fipId && f.fixedIpAddress === target.fixedIp);
  if (other) {
    await net.updateFloatingIp(ctx.cloudCtx, other.id, { portId: null });
    const [mapping] = await ctx.store.resources.byOsIds<ElasticIpAttrs>(ctx.projectId, ctx.region, 'elastic-ip', [other.id]);
    if (mapping) await ctx.store.resources.updateAttrs(ctx.projectId, mapping.id, withoutAssociation(mapping.attrs));
  }
  try {
    return await update();
  } catch (e) {
    if (isProviderError(e, 'BadRequest')) throw notAttached(target.eni.attrs.vpcId);
    throw e;
  }
}

const withoutAssociation = (a: ElasticIpAttrs): ElasticIpAttrs => {
  const { associationId: _a, associatedPortId: _p, associatedIp: _i, ...rest } = a;
  return rest;
};

defineAction('AssociateAddress', {
  supports: ['AllocationId', 'InstanceId', 'PublicIp', 'NetworkInterfaceId', 'PrivateIpAddress', 'AllowReassociation'],
  async handler(ctx, input) {
    if (input.AllocationId === undefined && input.PublicIp === undefined) throw ERRORS.missingParameter('AllocationId');
    if (input.AllocationId !== undefined && input.PublicIp !== undefined) {
      throw ERRORS.invalidParameterCombination('You may specify public IP or allocation id, but not both in the same call');
    }
    if (input.InstanceId === undefined && input.NetworkInterfaceId === undefined) throw ERRORS.missingParameter('InstanceId or NetworkInterfaceId');
    if (input.InstanceId !== undefined && input.NetworkInterfaceId !== undefined) {
      throw ERRORS.invalidParameterCombination('You can specify either the instance ID or the network interface ID, but not both.');
    }
    // The classic form (PublicIp): every address is a VPC address, so the allocation with that address is used.
    const { resource, record } = input.AllocationId !== undefined
      ? await requireAddress(ctx, input.AllocationId)
      : await addressByPublicIp(ctx, input.PublicIp as string);
    const target = await resolveTarget(ctx, input);
    const current = associationIdOf(resource, record);
    if (current && record.portId === target.portId && record.fixedIpAddress === target.fixedIp) return { AssociationId: current };
    if (current && input.AllowReassociation !== true) {
      throw ec2Error('Resource.AlreadyAssociated', `resource ${resource.id} is already associated with associate-id ${current}`);
    }
    const associationId = newId('elastic-ip-association');
    const net = ctx.cloud.network;
    await createWithUndo(ctx, async (undo) => {
      await undo.step('associate floating IP', () => associateUpstream(ctx, record.id, target),
        () => net.updateFloatingIp(undo.cloudCtx, record.id, record.portId
          ? { portId: record.portId, fixedIpAddress: record.fixedIpAddress ?? undefined }
          : { portId: null }));
      await ctx.store.resources.updateAttrs(ctx.projectId, resource.id, {
        ...resource.attrs, associationId, associatedPortId: target.portId, associatedIp: target.fixedIp,
      } satisfies ElasticIpAttrs);
    });
    return { AssociationId: associationId };
  },
});

// ---- DisassociateAddress --------------------------------------------------------------------------------------

/** The address an association id names (stored, or derived for an association made outside EC2), still associated. */
async function addressByAssociation(ctx: ActionContext, associationId: string) {
  if (!isValidId('elastic-ip-association', associationId)) throw ERRORS.malformedId('elastic-ip-association', associationId, 'AssociationId');
  const all = await ctx.store.resources.list<ElasticIpAttrs>(ctx.projectId, ctx.region, 'elastic-ip');
  const candidate = all.find((r) => r.attrs.associationId === associationId) ?? all.find((r) => hexOf(r.id) === hexOf(associationId));
  const record = candidate && await ctx.cloud.network.getFloatingIp(ctx.cloudCtx, candidate.osId);
  if (!candidate || !record || associationIdOf(candidate, record) !== associationId) throw ERRORS.idNotFound('elastic-ip-association', [associationId]);
  return { resource: candidate, record };
}

async function disassociate(ctx: ActionContext, resource: Resource<ElasticIpAttrs>, record: FloatingIpRecord): Promise<void> {
  if (record.portId) {
    try {
      await ctx.cloud.network.updateFloatingIp(ctx.cloudCtx, record.id, { portId: null });
    } catch (e) {
      if (!isProviderError(e, 'NotFound')) throw e;
    }
  }
  await ctx.store.resources.updateAttrs(ctx.projectId, resource.id, withoutAssociation(resource.attrs));
}

defineAction('DisassociateAddress', {
  supports: ['AssociationId', 'PublicIp'],
  async handler(ctx, input) {
    if (input.AssociationId === undefined && input.PublicIp === undefined) throw ERRORS.missingParameter('AssociationId');
    if (input.AssociationId !== undefined && input.PublicIp !== undefined) {
      throw ERRORS.invalidParameterCombination('You may specify public IP or association id, but not both in the same call');
    }
    const { resource, record } = input.AssociationId !== undefined
      ? await addressByAssociation(ctx, input.AssociationId)
      : await addressByPublicIp(ctx, input.PublicIp as string);
    await disassociate(ctx, resource, record);
    return {};
  },
});

// ---- ReleaseAddress -------------------------------------------------------------------------------------------

/** Whether the associated interface is in the default VPC, where AWS releases an associated address (disassociating it). */
async function inDefaultVpc(ctx: ActionContext, record: FloatingIpRecord): Promise<boolean> {
  if (!record.portId) return false;
  const [eni] = await ctx.store.resources.byOsIds<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface', [record.portId]);
  if (!eni) return false;
  const vpc = await ctx.store.resources.find<VpcAttrs>(ctx.projectId, ctx.region, eni.attrs.vpcId);
  return vpc?.attrs.isDefault === true;
}

defineAction('ReleaseAddress', {
  supports: ['AllocationId', 'PublicIp', 'NetworkBorderGroup'],
  async handler(ctx, input) {
    if (input.AllocationId === undefined && input.PublicIp === undefined) throw ERRORS.missingParameter('AllocationId');
    if (input.AllocationId !== undefined && input.PublicIp !== undefined) {
      throw ERRORS.invalidParameterCombination('You may specify public IP or allocation id, but not both in the same call');
    }
    if (input.AllocationId === undefined) {
      await addressByPublicIp(ctx, input.PublicIp as string);
      throw ERRORS.invalidParameterValue('PublicIp', input.PublicIp, 'You must specify an allocation id when releasing a VPC elastic IP address');
    }
    const { resource, record } = await requireAddress(ctx, input.AllocationId);
    if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== ctx.region) {
      throw ec2Error('InvalidAddress.NotFound', `The address with allocation id [${resource.id}] is not in the network border group '${input.NetworkBorderGroup}'.`);
    }
    if (resource.attrs.domainName) {
      throw ec2Error('InvalidAddress.PtrSet', `The address with allocation id [${resource.id}] cannot be released because it has a PTR record set.`);
    }
    if (record.portId) {
      if (!(await inDefaultVpc(ctx, record))) throw ec2Error('InvalidIPAddress.InUse', 'Address is in use.');
      await disassociate(ctx, resource, record);
    }
    try {
      await ctx.cloud.network.deleteFloatingIp(ctx.cloudCtx, record.id);
    } catch (e) {
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    await ctx.store.resources.delete(ctx.projectId, [resource.id]);
    return {};
  },
});

defineAction('DescribeAddresses', {
  supports: ['PublicIps', 'AllocationIds', 'Filters'],
  async handler(ctx, input) {
    const names = input.PublicIps?.map((ip, i) => publicIpParam(ip, `PublicIp.${i + 1}`));
    const { items } = await describe(ctx, addressesSpec, { ids: input.AllocationIds, names, Filters: input.Filters });
    return { Addresses: items.map(presentAddress) };
  },
});

// ---- address attributes (reverse DNS) -------------------------------------------------------------------------

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

function presentAttribute(resource: AnyResource, record: FloatingIpRecord, domainName: string | undefined): AddressAttribute {
  return { PublicIp: record.floatingIpAddress, AllocationId: resource.id, PtrRecord: domainName ? fqdn(domainName) : undefined };
}

/** A domain name AWS would take for a PTR record: labels of letters, digits and hyphens, 253 characters at most. */
function validateDomainName(value: string): string {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
  if (name.length === 0 || name.length > 253 || !name.includes('.') || !name.split('.').every((l) => label.test(l))) {
    throw ERRORS.invalidParameterValue('DomainName', value, 'It is not a valid domain name.');
  }
  return name.toLowerCase();
}

const attributeSpec: DescribeSpec<AddressView> = {
  ...addressesSpec,
  action: 'DescribeAddressesAttribute',
  name: undefined,
  filters: {},
  tags: undefined,
  paging: { min: 1, max: 1000 },
  load: (ctx, q) => loadAddresses(ctx, q.ids),
};

defineAction('DescribeAddressesAttribute', {
  supports: ['AllocationIds', 'Attribute', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const { items, nextToken } = await describe(ctx, attributeSpec, { ids: input.AllocationIds, MaxResults: input.MaxResults, NextToken: input.NextToken });
    return { Addresses: items.map((v) => presentAttribute(v.resource, v.record, attrsOf(v.resource).domainName)), NextToken: nextToken };
  },
});

defineAction('ModifyAddressAttribute', {
  supports: ['AllocationId', 'DomainName'],
  async handler(ctx, input) {
    if (input.DomainName === undefined) throw ERRORS.missingParameter('DomainName');
    const name = validateDomainName(input.DomainName);
    const { resource, record } = await requireAddress(ctx, input.AllocationId as string);
    const before = resource.attrs.domainName;
    // Stored only: the cloud publishes no reverse DNS; the update is reported as AWS reports it, pending.
    await ctx.store.resources.updateAttrs(ctx.projectId, resource.id, { ...resource.attrs, domainName: name } satisfies ElasticIpAttrs);
    return { Address: { ...presentAttribute(resource, record, before), PtrRecordUpdate: { Value: fqdn(name), Status: 'PENDING' } } };
  },
});

defineAction('ResetAddressAttribute', {
  supports: ['AllocationId', 'Attribute'],
  async handler(ctx, input) {
    const { resource, record } = await requireAddress(ctx, input.AllocationId as string);
    const before = resource.attrs.domainName;
    const { domainName: _d, ...rest } = resource.attrs;
    await ctx.store.resources.updateAttrs(ctx.projectId, resource.id, rest);
    return { Address: { ...presentAttribute(resource, record, before), PtrRecordUpdate: before ? { Status: 'PENDING' } : undefined } };
  },
});

// ---- EC2-Classic ----------------------------------------------------------------------------------------------

for (const action of ['MoveAddressToVpc', 'RestoreAddressToClassic'] as const) {
  defineAction(action, {
    supports: ['PublicIp'],
    async handler() {
      throw ec2Error('UnsupportedOperation', CLASSIC_UNAVAILABLE);
    },
  });
}

defineAction('DescribeMovingAddresses', {
  supports: ['PublicIps', 'Filters', 'MaxResults', 'NextToken'],
  async handler() {
    throw ec2Error('UnsupportedOperation', CLASSIC_UNAVAILABLE);
  },
});
