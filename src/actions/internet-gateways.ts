/**
 * Internet gateways: CreateInternetGateway, DeleteInternetGateway, DescribeInternetGateways, AttachInternetGateway,
 * DetachInternetGateway. A gateway lives only in the store; attached, it is realized as the external gateway of
 * the VPC's router (on the cloud's first external network), which is what gives the VPC's floating IPs a way out.
 * One gateway per VPC, one VPC per gateway, as in AWS.
 */
import type { InternetGateway, InternetGatewayAttachment } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import { ec2Error } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { newId } from '../resources/ids.js';
import { requireResource, resourcesWhere } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource } from '../store/store.js';
import type { ElasticIpAttrs, InternetGatewayAttrs, RouteTableAttrs, VpcAttrs } from '../vpc/model.js';
import { loadOwnViews, type OwnView } from '../vpc/views.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

type IgwView = OwnView<InternetGatewayAttrs>;

export function presentInternetGateway(v: IgwView): InternetGateway {
  const { vpcId } = v.resource.attrs;
  return {
    // AWS reports an attached gateway's attachment as 'available' (outside the model's AttachmentStatus enum).
    Attachments: vpcId ? [{ State: 'available' as InternetGatewayAttachment['State'], VpcId: vpcId }] : [],
    InternetGatewayId: v.resource.id,
    OwnerId: v.ownerId,
    Tags: tagSet(v.tags),
  };
}

/** Makes an internet gateway in the store (with its tags); the caller's transaction, if any. */
export async function createInternetGateway(ctx: ActionContext, tags: { Key: string; Value: string }[]): Promise<IgwView> {
  return ctx.store.transaction(async (tx) => {
    const existing = await tx.resources.list(ctx.projectId, ctx.region, 'internet-gateway');
    if (existing.length >= ctx.config.vpc.max_internet_gateways) {
      throw ec2Error('InternetGatewayLimitExceeded', 'The maximum number of internet gateways has been reached.');
    }
    const resource = await tx.resources.createOwn<InternetGatewayAttrs>(ctx.projectId, ctx.region, 'internet-gateway', {}, newId('internet-gateway'));
    await writeCreateTags(tx, ctx.projectId, resource.id, tags);
    return { resource, tags, ownerId: ctx.principal.ownerId };
  });
}

/**
 * Attaches `igw` to `vpc`: the router's external gateway upstream, then the attachment in the store (checked again
 * in its transaction). Used by AttachInternetGateway and the default VPC.
 */
export async function attachInternetGateway(ctx: ActionContext, igw: Resource<InternetGatewayAttrs>, vpc: Resource<VpcAttrs>): Promise<void> {
  const check = async (store = ctx.store) => {
    const current = (await store.resources.find<InternetGatewayAttrs>(ctx.projectId, ctx.region, igw.id)) ?? igw;
    if (current.attrs.vpcId) {
      throw ec2Error('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${current.attrs.vpcId}`);
    }
    const other = (await resourcesWhere<InternetGatewayAttrs>(ctx, 'internet-gateway', { vpcId: vpc.id }, store)).find((g) => g.id !== igw.id);
    if (other) throw new Ec2Error('InvalidParameterValue', `Network ${vpc.id} already has an internet gateway attached`);
    return current;
  };
  await check();
  const net = ctx.cloud.network;
  const [external] = await net.listExternalNetworks(ctx.cloudCtx);
  if (!external) throw ec2Error('UnsupportedOperation', 'The cloud has no external network: internet gateways cannot be attached.');
  await createWithUndo(ctx, async (undo) => {
    await undo.step('set router gateway', () => net.setRouterGateway(ctx.cloudCtx, vpc.osId, external.id),
      async () => {
        // Another gateway that won the VPC meanwhile keeps the router's gateway.
        if ((await resourcesWhere(ctx, 'internet-gateway', { vpcId: vpc.id })).length === 0) await net.setRouterGateway(undo.cloudCtx, vpc.osId, null);
      });
    await ctx.store.transaction(async (tx) => {
      const current = await check(tx);
      await tx.resources.updateAttrs(ctx.projectId, igw.id, { ...current.attrs, vpcId: vpc.id } satisfies InternetGatewayAttrs);
    });
  });
}

const igwFilters: FilterTable<IgwView> = {
  'attachment.state': (v) => (v.resource.attrs.vpcId ? 'available' : undefined),
  'attachment.vpc-id': (v) => v.resource.attrs.vpcId,
  'internet-gateway-id': (v) => v.resource.id,
  'owner-id': (v) => v.ownerId,
};

export const internetGatewaysSpec: DescribeSpec<IgwView> = {
  kind: 'internet-gateway',
  action: 'DescribeInternetGateways',
  idParam: 'InternetGatewayId',
  id: (v) => v.resource.id,
  filters: igwFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 1000 },
  load: (ctx, q) => loadOwnViews<InternetGatewayAttrs>(ctx, 'internet-gateway', q.ids),
};

defineAction('CreateInternetGateway', {
  supports: ['TagSpecifications'],
  async handler(ctx, input) {
    const tags = tagsFromSpecifications(input.TagSpecifications, ['internet-gateway']).get('internet-gateway') ?? [];
    return { InternetGateway: presentInternetGateway(await createInternetGateway(ctx, tags)) };
  },
});

defineAction('DeleteInternetGateway', {
  supports: ['InternetGatewayId'],
  async handler(ctx, input) {
    await ctx.store.transaction(async (tx) => {
      const igw = await requireResource<InternetGatewayAttrs>(ctx, 'internet-gateway', input.InternetGatewayId, 'InternetGatewayId', tx);
      if (igw.attrs.vpcId) throw ec2Error('DependencyViolation', `The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
      await tx.resources.delete(ctx.projectId, [igw.id]);
    });
    return {};
  },
});

defineAction('DescribeInternetGateways', {
  supports: ['InternetGatewayIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const { items, nextToken } = await describe(ctx, internetGatewaysSpec, {
      ids: input.InternetGatewayIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { InternetGateways: items.map(presentInternetGateway), NextToken: nextToken };
  },
});

defineAction('AttachInternetGateway', {
  supports: ['InternetGatewayId', 'VpcId'],
  async handler(ctx, input) {
    const igw = await requireResource<InternetGatewayAttrs>(ctx, 'internet-gateway', input.InternetGatewayId, 'InternetGatewayId');
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    await attachInternetGateway(ctx, igw, vpc);
    return {};
  },
});

/** Floating IPs of the project that reach the outside through this VPC's router (Elastic IPs mapped in the VPC). */
async function mappedAddressesThrough(ctx: ActionContext, vpc: Resource<VpcAttrs>): Promise<boolean> {
  const eips = await ctx.store.resources.list<ElasticIpAttrs>(ctx.projectId, ctx.region, 'elastic-ip');
  const associated = eips.filter((e) => e.attrs.associationId).map((e) => e.osId);
  if (associated.length === 0) return false;
  const { items } = await ctx.cloud.network.listFloatingIps(ctx.cloudCtx, { ids: associated });
  return items.some((f) => f.portId !== null && f.routerId === vpc.osId);
}

defineAction('DetachInternetGateway', {
  supports: ['InternetGatewayId', 'VpcId'],
  async handler(ctx, input) {
    const igw = await requireResource<InternetGatewayAttrs>(ctx, 'internet-gateway', input.InternetGatewayId, 'InternetGatewayId');
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    if (igw.attrs.vpcId !== vpc.id) throw ec2Error('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${vpc.id}`);
    const inUse = () => ec2Error('DependencyViolation',
      `Network ${vpc.id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`);
    if (await mappedAddressesThrough(ctx, vpc)) throw inUse();
    // A gateway route table association (edge association) must go first, as AWS asks.
    const tables = await resourcesWhere<RouteTableAttrs>(ctx, 'route-table', { vpcId: vpc.id });
    if (tables.some((t) => t.attrs.associations.some((a) => a.gatewayId === igw.id))) {
      throw ec2Error('DependencyViolation', `The internetGateway '${igw.id}' has dependencies and cannot be detached: disassociate it from its route table first.`);
    }
    try {
      await ctx.cloud.network.setRouterGateway(ctx.cloudCtx, vpc.osId, null);
    } catch (e) {
      if (isProviderError(e, 'InUse')) throw inUse();
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    await ctx.store.transaction(async (tx) => {
      const current = await requireResource<InternetGatewayAttrs>(ctx, 'internet-gateway', igw.id, 'InternetGatewayId', tx);
      if (current.attrs.vpcId !== vpc.id) throw ec2Error('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${vpc.id}`);
      await tx.resources.updateAttrs(ctx.projectId, igw.id, { ...current.attrs, vpcId: undefined } satisfies InternetGatewayAttrs);
    });
    return {};
  },
});
