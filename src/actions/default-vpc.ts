/**
 * The default VPC, as every AWS account has one per region: CreateDefaultVpc, and the hook that gives a project its
 * default VPC on first use (the first DescribeVpcs, DescribeSubnets, CreateVpc … of a project in a region), unless
 * [vpc] default_vpc is off. The default VPC is [vpc] default_vpc_cidr (172.31.0.0/16) with a default subnet per
 * zone (its /20s in zone order: 172.31.0.0/20, 172.31.16.0/20, …; public IPs on launch), DNS hostnames on.
 * An internet gateway is attached to it (the router's external gateway) and its main route table routes
 * 0.0.0.0/0 there, as in AWS.
 */
import { ec2Error } from '../errors/catalog.js';
import { withClientToken } from '../resources/client-token.js';
import type { Resource } from '../store/store.js';
import type { InternetGatewayAttrs, RouteTableAttrs, VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
import { attachInternetGateway, createInternetGateway } from './internet-gateways.js';
import { zonesOf } from './regions.js';
import { defineAction } from './registry.js';
import { createDefaultSubnet, deleteSubnet, findDefaultVpc, type SubnetView } from './subnets.js';
import { createVpc, deleteVpc, presentVpc, setDefaultVpcHook, type VpcView } from './vpcs.js';

/**
 * Creates the default VPC with its default subnets; DefaultVpcAlreadyExists when the project has one. When a
 * subnet cannot be made, what was made is removed again and the error is rethrown.
 */
export async function createDefaultVpc(ctx: ActionContext): Promise<VpcView> {
  const vpc = await createVpc(ctx, { cidrBlock: ctx.config.vpc.default_vpc_cidr, isDefault: true });
  const subnets: SubnetView[] = [];
  let igw: Resource<InternetGatewayAttrs> | undefined;
  try {
    for (const zone of await zonesOf(ctx)) {
      const current = (await ctx.store.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.resource.id)) as Resource<VpcAttrs>;
      subnets.push(await createDefaultSubnet(ctx, current, zone.name));
    }
    igw = (await createInternetGateway(ctx, [])).resource;
    await attachInternetGateway(ctx, igw, vpc.resource);
    await ctx.store.transaction(async (tx) => {
      await tx.resources.lock(ctx.projectId, [vpc.resource.attrs.mainRouteTableId]);
      const main = await tx.resources.find<RouteTableAttrs>(ctx.projectId, ctx.region, vpc.resource.attrs.mainRouteTableId);
      if (!main) return;
      const route = { destinationCidrBlock: '0.0.0.0/0', gatewayId: igw?.id, origin: 'CreateRoute' as const };
      await tx.resources.updateAttrs(ctx.projectId, main.id, { ...main.attrs, routes: [...main.attrs.routes, route] } satisfies RouteTableAttrs);
    });
  } catch (e) {
    // Undone without the request's abort signal, which may be what failed.
    const undo: ActionContext = { ...ctx, cloudCtx: { ...ctx.cloudCtx, signal: undefined } };
    if (igw) {
      await undo.cloud.network.setRouterGateway(undo.cloudCtx, vpc.resource.osId, null).catch(() => undefined);
      await ctx.store.resources.delete(ctx.projectId, [igw.id]);
    }
    for (const s of subnets.reverse()) await deleteSubnet(undo, s.resource).catch(() => undefined);
    await deleteVpc(undo, vpc.resource).catch(async (err) => {
      // Its router (and group) stay upstream, unmapped; the store forgets the VPC so that a later request makes a whole one.
      ctx.logger.error('default VPC: upstream objects of a half-made one left behind', { vpc: vpc.resource.id, router: vpc.resource.osId, error: err instanceof Error ? err.message : String(err) });
      const a = vpc.resource.attrs;
      await ctx.store.resources.delete(ctx.projectId, [vpc.resource.id, a.mainRouteTableId, a.defaultSecurityGroupId, a.defaultNetworkAclId]);
    });
    throw e;
  }
  return vpc;
}

/** Projects (per region) whose default VPC this process has seen made or refused: no store call on their next request. */
const settled = new Set<string>();

/**
 * Gives the project its default VPC once: the first request of a project in a region claims a fixed client token
 * (parallel first requests wait for the one that claimed it), and a project whose claim is complete is never
 * given one again, so a default VPC the user deleted is not silently recreated.
 */
export async function ensureDefaultVpc(ctx: ActionContext): Promise<void> {
  if (!ctx.config.vpc.default_vpc) return;
  const key = `${ctx.projectId}\u0000${ctx.region}`;
  if (settled.has(key)) return;
  // Made to the end even when the request that started it times out (its abort signal would cut the upstream
  // calls, the cleanup of a half-made VPC included): the project's other requests are waiting for it.
  const bg: ActionContext = { ...ctx, action: 'EnsureDefaultVpc', cloudCtx: { ...ctx.cloudCtx, signal: undefined } };
  try {
    await withClientToken(bg, 'default-vpc', {}, async () => {
      const vpcs = await ctx.store.resources.list<VpcAttrs>(ctx.projectId, ctx.region, 'vpc');
      // A project that has one already, or no room for one (made before default VPCs were on), gets none.
      if (vpcs.some((v) => v.attrs.isDefault) || vpcs.length >= ctx.config.vpc.max_vpcs) return { created: false };
      await createDefaultVpc(bg);
      return { created: true };
    });
    settled.add(key);
  } catch (e) {
    // The request goes on without it; the claim was released, so a later request tries again.
    ctx.logger.warn('default VPC not created', { request_id: ctx.requestId, project: ctx.projectId, region: ctx.region, error: e instanceof Error ? e.message : String(e) });
  }
}

setDefaultVpcHook(ensureDefaultVpc);

defineAction('CreateDefaultVpc', {
  supports: [],
  async handler(ctx) {
    if (await findDefaultVpc(ctx)) throw ec2Error('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
    const vpc = await createDefaultVpc(ctx);
    return { Vpc: { ...presentVpc(ctx, vpc), State: 'pending' } };
  },
});
