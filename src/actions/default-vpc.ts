/**
 * The default VPC, as every AWS account has one per region: CreateDefaultVpc, and the hook that gives a project its
 * default VPC on first use (the first DescribeVpcs, DescribeSubnets, CreateVpc … of a project in a region), unless
 * [vpc] default_vpc is off. The default VPC is [vpc] default_vpc_cidr (172.31.0.0/16) with a default subnet per
 * zone (its /20s in zone order: 172.31.0.0/20, 172.31.16.0/20, …; public IPs on launch), DNS hostnames on.
 * (Its internet gateway and the 0.0.0.0/0 route to it are added by the internet-gateway area.)
 */
import { ec2Error } from '../errors/catalog.js';
import { withClientToken } from '../resources/client-token.js';
import type { Resource } from '../store/store.js';
import type { VpcAttrs } from '../vpc/model.js';
import type { ActionContext } from './context.js';
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
  try {
    for (const zone of await zonesOf(ctx)) {
      const current = (await ctx.store.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpc.resource.id)) as Resource<VpcAttrs>;
      subnets.push(await createDefaultSubnet(ctx, current, zone.name));
    }
  } catch (e) {
    // Undone without the request's abort signal, which may be what failed.
    const undo: ActionContext = { ...ctx, cloudCtx: { ...ctx.cloudCtx, signal: undefined } };
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
