/**
 * Route tables: CreateRouteTable, DeleteRouteTable, DescribeRouteTables, CreateRoute, ReplaceRoute, DeleteRoute,
 * AssociateRouteTable, DisassociateRouteTable, ReplaceRouteTableAssociation, Enable/DisableVgwRoutePropagation.
 *
 * Tables, routes and associations live in the store (src/vpc/model.ts RouteTableAttrs). A subnet without an
 * explicit association uses its VPC's main table; DescribeRouteTables shows the explicit subnet and gateway
 * associations and the main one, as AWS. A route's state is computed when it is described: 'blackhole' once its
 * target is gone (a deleted interface, a gateway detached from the VPC), else 'active'.
 *
 * Upstream, what Neutron can express is realized: routes to a network interface in the tables the VPC's subnets
 * use become extra routes of the VPC's router (nexthop: the interface's primary private address). Neutron's extra
 * routes are router-wide, so the router gets the union of those tables' interface routes. When the router refuses
 * them, the EC2 state stands and the failure is logged. Internet routes need nothing more than the router's
 * external gateway (AttachInternetGateway); VPN gateways do not exist in this service.
 */
import type { Route, RouteTable, RouteTableAssociation } from '@aws-sdk/client-ec2';
import type { HostRoute } from '../cloud/records.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { formatCidr, parseCidr } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { withClientToken } from '../resources/client-token.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId, newId } from '../resources/ids.js';
import { requireResource, resourcesWhere } from '../resources/lookup.js';
import type { Resource, Store } from '../store/store.js';
import type {
  InternetGatewayAttrs, NetworkInterfaceAttrs, RouteEntry, RouteTableAssociationEntry, RouteTableAttrs, SubnetAttrs, VpcAttrs,
} from '../vpc/model.js';
import { loadOwnViews, type OwnView } from '../vpc/views.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';
import { ensureDefaultVpc } from './vpcs.js';

type Table = Resource<RouteTableAttrs>;

/** What a route's state depends on: where the internet gateways are attached, which interfaces exist. */
interface Targets {
  igwVpc: Map<string, string | undefined>;
  enis: Map<string, NetworkInterfaceAttrs>;
}

interface RtbView extends OwnView<RouteTableAttrs> { routes: Route[]; associations: RouteTableAssociation[] }

async function loadTargets(ctx: ActionContext, store: Store = ctx.store): Promise<Targets> {
  const [igws, enis] = await Promise.all([
    store.resources.list<InternetGatewayAttrs>(ctx.projectId, ctx.region, 'internet-gateway'),
    store.resources.list<NetworkInterfaceAttrs>(ctx.projectId, ctx.region, 'network-interface'),
  ]);
  return { igwVpc: new Map(igws.map((g) => [g.id, g.attrs.vpcId])), enis: new Map(enis.map((e) => [e.id, e.attrs])) };
}

function presentRoute(ctx: ActionContext, vpcId: string, r: RouteEntry, t: Targets): Route {
  let active: boolean;
  let instanceId = r.instanceId;
  if (r.gatewayId === 'local') active = true;
  else if (r.gatewayId) active = t.igwVpc.has(r.gatewayId) && t.igwVpc.get(r.gatewayId) === vpcId;
  else if (r.networkInterfaceId) {
    const eni = t.enis.get(r.networkInterfaceId);
    instanceId = eni?.attachment?.instanceId;
    active = eni?.attachment !== undefined;
  } else active = false; // instances: not in this service yet
  return {
    DestinationCidrBlock: r.destinationCidrBlock,
    DestinationIpv6CidrBlock: r.destinationIpv6CidrBlock,
    GatewayId: r.gatewayId,
    InstanceId: instanceId,
    InstanceOwnerId: instanceId ? ctx.principal.ownerId : undefined,
    NetworkInterfaceId: r.networkInterfaceId,
    Origin: r.origin,
    State: active ? 'active' : 'blackhole',
  };
}

const presentAssociation = (tableId: string, a: RouteTableAssociationEntry): RouteTableAssociation => ({
  Main: a.main,
  RouteTableAssociationId: a.associationId,
  RouteTableId: tableId,
  SubnetId: a.subnetId,
  GatewayId: a.gatewayId,
  AssociationState: { State: 'associated' },
});

function viewOf(ctx: ActionContext, v: OwnView<RouteTableAttrs>, t: Targets): RtbView {
  const a = v.resource.attrs;
  return {
    ...v,
    routes: a.routes.map((r) => presentRoute(ctx, a.vpcId, r, t)),
    associations: a.associations.map((x) => presentAssociation(v.resource.id, x)),
  };
}

export function presentRouteTable(v: RtbView): RouteTable {
  return {
    Associations: v.associations,
    PropagatingVgws: v.resource.attrs.propagatingVgws.map((id) => ({ GatewayId: id })),
    RouteTableId: v.resource.id,
    Routes: v.routes,
    Tags: tagSet(v.tags),
    VpcId: v.resource.attrs.vpcId,
    OwnerId: v.ownerId,
  };
}

const rtbFilters: FilterTable<RtbView> = {
  'association.route-table-association-id': (v) => v.associations.map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (v) => v.associations.map((a) => a.RouteTableId),
  'association.subnet-id': (v) => v.associations.map((a) => a.SubnetId),
  'association.gateway-id': (v) => v.associations.map((a) => a.GatewayId),
  'association.main': (v) => v.associations.map((a) => a.Main),
  'owner-id': (v) => v.ownerId,
  'route-table-id': (v) => v.resource.id,
  'route.destination-cidr-block': (v) => v.routes.map((r) => r.DestinationCidrBlock),
  'route.destination-ipv6-cidr-block': (v) => v.routes.map((r) => r.DestinationIpv6CidrBlock),
  'route.destination-prefix-list-id': () => undefined,
  'route.egress-only-internet-gateway-id': () => undefined,
  'route.gateway-id': (v) => v.routes.map((r) => r.GatewayId),
  'route.instance-id': (v) => v.routes.map((r) => r.InstanceId),
  'route.nat-gateway-id': () => undefined,
  'route.transit-gateway-id': () => undefined,
  'route.network-interface-id': (v) => v.routes.map((r) => r.NetworkInterfaceId),
  'route.origin': (v) => v.routes.map((r) => r.Origin),
  'route.state': (v) => v.routes.map((r) => r.State),
  'route.vpc-peering-connection-id': () => undefined,
  'vpc-id': (v) => v.resource.attrs.vpcId,
};

export const routeTablesSpec: DescribeSpec<RtbView> = {
  kind: 'route-table',
  action: 'DescribeRouteTables',
  idParam: 'RouteTableId',
  id: (v) => v.resource.id,
  filters: rtbFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 100 },
  async load(ctx, q) {
    const [views, targets] = await Promise.all([loadOwnViews<RouteTableAttrs>(ctx, 'route-table', q.ids), loadTargets(ctx)]);
    return views.map((v) => viewOf(ctx, v, targets));
  },
};

/** The local routes of a VPC: one per CIDR block, IPv4 and IPv6. */
export function localRoutes(vpc: VpcAttrs): RouteEntry[] {
  return [
    ...vpc.cidrAssociations.filter((c) => c.state === 'associated').map((c) => ({ destinationCidrBlock: c.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' as const })),
    ...vpc.ipv6Associations.filter((c) => c.state === 'associated').map((c) => ({ destinationIpv6CidrBlock: c.ipv6CidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' as const })),
  ];
}

// --- upstream: routes to interfaces as the router's extra routes ---------------------------------------------------

/** The router's extra routes the VPC's tables in use ask for: routes to existing interfaces, IPv4 (their primary address). */
function wantedRouterRoutes(tables: Table[], enis: Map<string, NetworkInterfaceAttrs>): HostRoute[] {
  const out = new Map<string, HostRoute>();
  for (const t of tables) {
    if (!t.attrs.associations.some((a) => a.main || a.subnetId)) continue;
    for (const r of t.attrs.routes) {
      const eni = r.networkInterfaceId ? enis.get(r.networkInterfaceId) : undefined;
      if (!eni || !r.destinationCidrBlock || !eni.primaryIp) continue;
      out.set(`${r.destinationCidrBlock} ${eni.primaryIp}`, { destination: r.destinationCidrBlock, nexthop: eni.primaryIp });
    }
  }
  return [...out.values()];
}

const hasInterfaceRoute = (t: Table) => t.attrs.routes.some((r) => r.networkInterfaceId !== undefined);

/**
 * Sets the VPC router's extra routes from its route tables. Called after a change that may alter them (`force`: a
 * change that removed an interface route); without interface routes in the VPC and without `force` it makes no
 * upstream call. A refusal upstream is logged; the EC2 state stands.
 */
export async function syncVpcRouterRoutes(ctx: ActionContext, vpcId: string, force = false): Promise<void> {
  const tables = await resourcesWhere<RouteTableAttrs>(ctx, 'route-table', { vpcId });
  if (!force && !tables.some(hasInterfaceRoute)) return;
  const vpc = await ctx.store.resources.find<VpcAttrs>(ctx.projectId, ctx.region, vpcId);
  if (!vpc) return;
  const { enis } = await loadTargets(ctx);
  const routes = wantedRouterRoutes(tables, enis);
  try {
    await ctx.cloud.network.setRouterRoutes(ctx.cloudCtx, vpc.osId, routes);
  } catch (e) {
    ctx.logger.warn('route table: the router refused its extra routes; the EC2 routes stand', {
      request_id: ctx.requestId, vpc: vpcId, router: vpc.osId, routes: routes.length, error: e instanceof Error ? e.message : String(e),
    });
  }
}

// --- validation -----------------------------------------------------------------------------------------------------

interface Destination { field: 'destinationCidrBlock' | 'destinationIpv6CidrBlock'; cidr: string; wire: string }

function destinationOf(input: { DestinationCidrBlock?: string; DestinationIpv6CidrBlock?: string }): Destination {
  const { DestinationCidrBlock: v4, DestinationIpv6CidrBlock: v6 } = input;
  if (v4 !== undefined && v6 !== undefined) {
    throw ERRORS.invalidParameterCombination('The parameter destinationCidrBlock cannot be used with the parameter destinationIpv6CidrBlock');
  }
  if (v4 === undefined && v6 === undefined) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock');
  }
  const wire = v4 !== undefined ? 'destinationCidrBlock' : 'destinationIpv6CidrBlock';
  const text = (v4 ?? v6) as string;
  const c = parseCidr(text);
  if (!c || c.version !== (v4 !== undefined ? 4 : 6)) {
    throw new Ec2Error('InvalidParameterValue', `Value (${text}) for parameter ${wire} is invalid. This is not a valid CIDR block.`);
  }
  return { field: wire, cidr: formatCidr(c), wire: wire === 'destinationCidrBlock' ? 'destination-cidr-block' : 'destination-ipv6-cidr-block' };
}

const routeAt = (table: Table, d: Destination) => table.attrs.routes.findIndex((r) => r[d.field] === d.cidr);

type TargetInput = { GatewayId?: string; NetworkInterfaceId?: string; InstanceId?: string };
type Target = Pick<RouteEntry, 'gatewayId' | 'networkInterfaceId' | 'instanceId'>;

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

function instanceNotFound(id: string): never {
  if (!INSTANCE_ID.test(id)) throw ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
  // Instances come with the compute area; until then no instance id exists.
  throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
}

const gatewayNotFound = (id: string) => ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${id}' does not exist`);

/** The one target of a route, checked: it exists in this project and belongs to the table's VPC. */
async function targetOf(ctx: ActionContext, table: Table, input: TargetInput, store: Store): Promise<Target> {
  const given = (['GatewayId', 'NetworkInterfaceId', 'InstanceId'] as const).filter((k) => input[k] !== undefined);
  if (given.length === 0) {
    throw new Ec2Error('MissingParameter', 'The request must contain exactly one of gatewayId, networkInterfaceId or instanceId');
  }
  if (given.length > 1) {
    const wire = (k: string) => k[0].toLowerCase() + k.slice(1);
    throw ERRORS.invalidParameterCombination(`The parameter ${wire(given[0])} cannot be used with the parameter ${wire(given[1])}`);
  }
  const vpcId = table.attrs.vpcId;
  if (input.GatewayId !== undefined) {
    const id = input.GatewayId;
    if (id === 'local') return { gatewayId: 'local' };
    if (!isValidId('internet-gateway', id)) throw gatewayNotFound(id); // vgw-: no VPN gateways exist here
    const igw = await store.resources.find<InternetGatewayAttrs>(ctx.projectId, ctx.region, id);
    if (igw?.kind !== 'internet-gateway') throw gatewayNotFound(id);
    if (igw.attrs.vpcId !== vpcId) {
      throw new Ec2Error('InvalidParameterValue', `route table ${table.id} and network gateway ${id} belong to different networks`);
    }
    return { gatewayId: id };
  }
  if (input.NetworkInterfaceId !== undefined) {
    const eni = await requireResource<NetworkInterfaceAttrs>(ctx, 'network-interface', input.NetworkInterfaceId, 'NetworkInterfaceId', store);
    if (eni.attrs.vpcId !== vpcId) {
      throw new Ec2Error('InvalidParameterValue', `route table ${table.id} and interface ${eni.id} belong to different networks`);
    }
    return { networkInterfaceId: eni.id };
  }
  return instanceNotFound(input.InstanceId as string);
}

/** The association with this id among the project's route tables (Malformed / NotFound otherwise). */
async function findAssociation(ctx: ActionContext, id: string, store: Store): Promise<{ table: Table; assoc: RouteTableAssociationEntry }> {
  if (!isValidId('route-table-association', id)) throw ERRORS.malformedId('route-table-association', id, 'AssociationId');
  for (const table of await store.resources.list<RouteTableAttrs>(ctx.projectId, ctx.region, 'route-table')) {
    const assoc = table.attrs.associations.find((a) => a.associationId === id);
    if (assoc) return { table, assoc };
  }
  throw ERRORS.idNotFound('route-table-association', [id]);
}

const requireTable = (ctx: ActionContext, id: string, store: Store, param = 'RouteTableId') =>
  requireResource<RouteTableAttrs>(ctx, 'route-table', id, param, store);

// --- actions --------------------------------------------------------------------------------------------------------

defineAction('CreateRouteTable', {
  supports: ['VpcId', 'TagSpecifications', 'ClientToken'],
  async handler(ctx, input) {
    const tags = tagsFromSpecifications(input.TagSpecifications, ['route-table']).get('route-table') ?? [];
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const view = await ctx.store.transaction(async (tx) => {
        const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId', tx);
        const tables = await resourcesWhere<RouteTableAttrs>(ctx, 'route-table', { vpcId: vpc.id }, tx);
        if (tables.length >= ctx.config.vpc.max_route_tables_per_vpc) {
          throw ec2Error('RouteTableLimitExceeded', 'The maximum number of route tables has been reached.');
        }
        const resource = await tx.resources.createOwn<RouteTableAttrs>(ctx.projectId, ctx.region, 'route-table', {
          vpcId: vpc.id, routes: localRoutes(vpc.attrs), associations: [], propagatingVgws: [],
        }, newId('route-table'));
        await writeCreateTags(tx, ctx.projectId, resource.id, tags);
        return { resource, tags, ownerId: ctx.principal.ownerId };
      });
      return { RouteTable: presentRouteTable(viewOf(ctx, view, { igwVpc: new Map(), enis: new Map() })), ClientToken: input.ClientToken };
    });
  },
});

defineAction('DeleteRouteTable', {
  supports: ['RouteTableId'],
  async handler(ctx, input) {
    await ctx.store.transaction(async (tx) => {
      const table = await requireTable(ctx, input.RouteTableId, tx);
      if (table.attrs.associations.length > 0) {
        throw ec2Error('DependencyViolation', `The routeTable '${table.id}' has dependencies and cannot be deleted.`);
      }
      await tx.resources.delete(ctx.projectId, [table.id]);
    });
    return {};
  },
});

defineAction('DescribeRouteTables', {
  supports: ['RouteTableIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    await ensureDefaultVpc(ctx);
    const { items, nextToken } = await describe(ctx, routeTablesSpec, {
      ids: input.RouteTableIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { RouteTables: items.map(presentRouteTable), NextToken: nextToken };
  },
});

defineAction('CreateRoute', {
  supports: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'GatewayId', 'NetworkInterfaceId', 'InstanceId'],
  async handler(ctx, input) {
    const dest = destinationOf(input);
    const table = await ctx.store.transaction(async (tx) => {
      const t = await requireTable(ctx, input.RouteTableId, tx);
      const target = await targetOf(ctx, t, input, tx);
      if (target.gatewayId === 'local') {
        throw new Ec2Error('InvalidParameterValue', `Value (local) for parameter gatewayId is invalid. A route to 'local' is made with each CIDR block of the VPC.`);
      }
      if (routeAt(t, dest) >= 0) throw ec2Error('RouteAlreadyExists', `The route identified by ${dest.cidr} already exists.`);
      if (t.attrs.routes.filter((r) => r.origin === 'CreateRoute').length >= ctx.config.vpc.max_routes_per_route_table) {
        throw ec2Error('RouteLimitExceeded', `The maximum number of routes in route table ${t.id} has been reached.`);
      }
      const route = { [dest.field]: dest.cidr, ...target, origin: 'CreateRoute' } as RouteEntry;
      await tx.resources.updateAttrs(ctx.projectId, t.id, { ...t.attrs, routes: [...t.attrs.routes, route] } satisfies RouteTableAttrs);
      return t;
    });
    if (input.NetworkInterfaceId !== undefined) await syncVpcRouterRoutes(ctx, table.attrs.vpcId);
    return { Return: true };
  },
});

defineAction('ReplaceRoute', {
  supports: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'GatewayId', 'NetworkInterfaceId', 'InstanceId'],
  async handler(ctx, input) {
    const dest = destinationOf(input);
    const { table, touchesInterface } = await ctx.store.transaction(async (tx) => {
      const t = await requireTable(ctx, input.RouteTableId, tx);
      const at = routeAt(t, dest);
      if (at < 0) {
        throw new Ec2Error('InvalidParameterValue', `There is no route defined for '${dest.cidr}' in the route table. Use CreateRoute instead.`);
      }
      const old = t.attrs.routes[at];
      const target = await targetOf(ctx, t, input, tx);
      if ((old.gatewayId === 'local') !== (target.gatewayId === 'local')) {
        throw new Ec2Error('InvalidParameterValue', old.gatewayId === 'local'
          ? `cannot replace local route ${dest.cidr} in route table ${t.id}`
          : `Value (local) for parameter gatewayId is invalid. Only the local route of a VPC CIDR block can target 'local'.`);
      }
      const routes = [...t.attrs.routes];
      routes[at] = { [dest.field]: dest.cidr, ...target, origin: old.origin } as RouteEntry;
      await tx.resources.updateAttrs(ctx.projectId, t.id, { ...t.attrs, routes } satisfies RouteTableAttrs);
      return { table: t, touchesInterface: old.networkInterfaceId !== undefined || target.networkInterfaceId !== undefined };
    });
    if (touchesInterface) await syncVpcRouterRoutes(ctx, table.attrs.vpcId, true);
    return {};
  },
});

defineAction('DeleteRoute', {
  supports: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock'],
  async handler(ctx, input) {
    const dest = destinationOf(input);
    const { table, old } = await ctx.store.transaction(async (tx) => {
      const t = await requireTable(ctx, input.RouteTableId, tx);
      const at = routeAt(t, dest);
      if (at < 0) throw ec2Error('InvalidRoute.NotFound', `no route with ${dest.wire} ${dest.cidr} in route table ${t.id}`);
      const route = t.attrs.routes[at];
      if (route.gatewayId === 'local') throw new Ec2Error('InvalidParameterValue', `cannot remove local route ${dest.cidr} in route table ${t.id}`);
      await tx.resources.updateAttrs(ctx.projectId, t.id, { ...t.attrs, routes: t.attrs.routes.filter((_, i) => i !== at) } satisfies RouteTableAttrs);
      return { table: t, old: route };
    });
    if (old.networkInterfaceId !== undefined) await syncVpcRouterRoutes(ctx, table.attrs.vpcId, true);
    return {};
  },
});

defineAction('AssociateRouteTable', {
  supports: ['RouteTableId', 'SubnetId', 'GatewayId'],
  async handler(ctx, input) {
    if (input.SubnetId !== undefined && input.GatewayId !== undefined) {
      throw ERRORS.invalidParameterCombination('The parameter subnetId cannot be used with the parameter gatewayId');
    }
    if (input.SubnetId === undefined && input.GatewayId === undefined) {
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter subnetId or gatewayId');
    }
    const { table, entry } = await ctx.store.transaction(async (tx) => {
      const t = await requireTable(ctx, input.RouteTableId, tx);
      let entry: RouteTableAssociationEntry;
      if (input.SubnetId !== undefined) {
        const subnet = await requireResource<SubnetAttrs>(ctx, 'subnet', input.SubnetId, 'SubnetId', tx);
        if (subnet.attrs.vpcId !== t.attrs.vpcId) {
          throw new Ec2Error('InvalidParameterValue', `Route table ${t.id} and subnet ${subnet.id} belong to different networks`);
        }
        entry = { associationId: newId('route-table-association'), main: false, subnetId: subnet.id };
      } else {
        const id = input.GatewayId as string;
        if (!isValidId('internet-gateway', id)) throw gatewayNotFound(id);
        const igw = await tx.resources.find<InternetGatewayAttrs>(ctx.projectId, ctx.region, id);
        if (igw?.kind !== 'internet-gateway') throw gatewayNotFound(id);
        if (igw.attrs.vpcId !== t.attrs.vpcId) {
          throw new Ec2Error('InvalidParameterValue', `route table ${t.id} and network gateway ${id} belong to different networks`);
        }
        entry = { associationId: newId('route-table-association'), main: false, gatewayId: id };
      }
      const tables = await resourcesWhere<RouteTableAttrs>(ctx, 'route-table', { vpcId: t.attrs.vpcId }, tx);
      const taken = tables.some((o) => o.attrs.associations.some((a) =>
        (entry.subnetId && a.subnetId === entry.subnetId) || (entry.gatewayId && a.gatewayId === entry.gatewayId)));
      if (taken) {
        throw ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${t.id} conflicts with an existing association`);
      }
      await tx.resources.updateAttrs(ctx.projectId, t.id, { ...t.attrs, associations: [...t.attrs.associations, entry] } satisfies RouteTableAttrs);
      return { table: t, entry };
    });
    if (entry.subnetId) await syncVpcRouterRoutes(ctx, table.attrs.vpcId);
    return { AssociationId: entry.associationId, AssociationState: { State: 'associated' } };
  },
});

defineAction('DisassociateRouteTable', {
  supports: ['AssociationId'],
  async handler(ctx, input) {
    const table = await ctx.store.transaction(async (tx) => {
      const { table: t, assoc } = await findAssociation(ctx, input.AssociationId, tx);
      if (assoc.main) throw new Ec2Error('InvalidParameterValue', `cannot disassociate the main route table association ${assoc.associationId}`);
      await tx.resources.updateAttrs(ctx.projectId, t.id, {
        ...t.attrs, associations: t.attrs.associations.filter((a) => a.associationId !== assoc.associationId),
      } satisfies RouteTableAttrs);
      return t;
    });
    await syncVpcRouterRoutes(ctx, table.attrs.vpcId);
    return {};
  },
});

defineAction('ReplaceRouteTableAssociation', {
  supports: ['AssociationId', 'RouteTableId'],
  async handler(ctx, input) {
    const { vpcId, entry } = await ctx.store.transaction(async (tx) => {
      const { table: old, assoc } = await findAssociation(ctx, input.AssociationId, tx);
      const target = await requireTable(ctx, input.RouteTableId, tx);
      if (target.attrs.vpcId !== old.attrs.vpcId) {
        throw new Ec2Error('InvalidParameterValue', `Route table ${target.id} and association ${assoc.associationId} belong to different networks`);
      }
      const entry: RouteTableAssociationEntry = { ...assoc, associationId: newId('route-table-association') };
      const rest = old.attrs.associations.filter((a) => a.associationId !== assoc.associationId);
      if (target.id === old.id) {
        await tx.resources.updateAttrs(ctx.projectId, old.id, { ...old.attrs, associations: [...rest, entry] } satisfies RouteTableAttrs);
      } else {
        await tx.resources.updateAttrs(ctx.projectId, old.id, { ...old.attrs, associations: rest } satisfies RouteTableAttrs);
        await tx.resources.updateAttrs(ctx.projectId, target.id, {
          ...target.attrs, associations: [...target.attrs.associations, entry],
        } satisfies RouteTableAttrs);
      }
      if (assoc.main) {
        const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', old.attrs.vpcId, 'VpcId', tx);
        await tx.resources.updateAttrs(ctx.projectId, vpc.id, { ...vpc.attrs, mainRouteTableId: target.id } satisfies VpcAttrs);
      }
      return { vpcId: old.attrs.vpcId, entry };
    });
    await syncVpcRouterRoutes(ctx, vpcId);
    return { NewAssociationId: entry.associationId, AssociationState: { State: 'associated' } };
  },
});

/** VPN gateways do not exist in this service: every vgw- id is unknown. */
async function vgwPropagation(ctx: ActionContext, input: { GatewayId?: string; RouteTableId?: string }) {
  if (input.GatewayId === undefined) throw ERRORS.missingParameter('GatewayId');
  if (input.RouteTableId === undefined) throw ERRORS.missingParameter('RouteTableId');
  await requireTable(ctx, input.RouteTableId, ctx.store);
  const id = input.GatewayId;
  if (!/^vgw-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw ec2Error('InvalidVpnGatewayID.Malformed', `Invalid id: "${id}" (expecting "vgw-...")`);
  throw ec2Error('InvalidVpnGatewayID.NotFound', `The virtual private gateway ID '${id}' does not exist`);
}

defineAction('EnableVgwRoutePropagation', {
  supports: ['GatewayId', 'RouteTableId'],
  async handler(ctx, input) {
    await vgwPropagation(ctx, input);
    return {};
  },
});

defineAction('DisableVgwRoutePropagation', {
  supports: ['GatewayId', 'RouteTableId'],
  async handler(ctx, input) {
    await vgwPropagation(ctx, input);
    return {};
  },
});
