/** DescribeRegions and DescribeAvailabilityZones: where this endpoint serves. */
import type { AvailabilityZone, Region } from '@aws-sdk/client-ec2';
import { ERRORS } from '../errors/catalog.js';
import { awsRegion } from '../kit/aws-regions.js';
import { applyFilters, type FilterTable } from '../kit/filters.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

const regionFilters: FilterTable<Region> = {
  endpoint: (r) => r.Endpoint,
  'region-name': (r) => r.RegionName,
  'opt-in-status': (r) => r.OptInStatus,
};

async function regions(ctx: ActionContext): Promise<Region[]> {
  const { regions } = await ctx.cloud.identity.listRegions(ctx.cloudCtx);
  return regions.map((r) => ({
    RegionName: r.name,
    Endpoint: r.endpoint ?? ctx.endpoint,
    OptInStatus: awsRegion(r.name)?.optIn ? 'opted-in' : 'opt-in-not-required',
  }));
}

defineAction('DescribeRegions', {
  supports: ['RegionNames', 'Filters', 'AllRegions'],
  async handler(ctx, input) {
    let all = await regions(ctx);
    if (input.RegionNames?.length) {
      for (const name of input.RegionNames) {
        if (!all.some((r) => r.RegionName === name)) throw ERRORS.invalidParameterValue('RegionName', name, `Invalid region: ${name}`);
      }
      all = all.filter((r) => input.RegionNames?.includes(r.RegionName ?? ''));
    }
    return { Regions: applyFilters(all, input.Filters, regionFilters) };
  },
});

const zoneFilters: FilterTable<AvailabilityZone> = {
  'group-name': (z) => z.GroupName,
  'group-long-name': (z) => z.GroupLongName,
  message: (z) => z.Messages?.map((m) => m.Message),
  'network-border-group': (z) => z.NetworkBorderGroup,
  'opt-in-status': (z) => z.OptInStatus,
  'parent-zone-id': (z) => z.ParentZoneId,
  'parent-zone-name': (z) => z.ParentZoneName,
  'region-name': (z) => z.RegionName,
  state: (z) => z.State,
  'zone-id': (z) => z.ZoneId,
  'zone-name': (z) => z.ZoneName,
  'zone-type': (z) => z.ZoneType,
};

/** The zones of the caller's region with their EC2 zone ids (use1-az1 …), in the backend's order. */
export async function zonesOf(ctx: ActionContext): Promise<{ name: string; id: string; available: boolean }[]> {
  const zones = await ctx.cloud.compute.listAvailabilityZones(ctx.cloudCtx);
  const prefix = awsRegion(ctx.region)?.zoneIdPrefix ?? ctx.region.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8);
  return zones.map((z, i) => ({ name: z.name, id: `${prefix}-az${i + 1}`, available: z.available }));
}

defineAction('DescribeAvailabilityZones', {
  supports: ['ZoneNames', 'ZoneIds', 'AllAvailabilityZones', 'Filters'],
  async handler(ctx, input) {
    let all: AvailabilityZone[] = (await zonesOf(ctx)).map((z) => ({
      ZoneName: z.name,
      ZoneId: z.id,
      ZoneType: 'availability-zone',
      State: z.available ? 'available' : 'unavailable',
      OptInStatus: 'opt-in-not-required',
      RegionName: ctx.region,
      GroupName: ctx.region,
      GroupLongName: ctx.region,
      NetworkBorderGroup: ctx.region,
      Messages: [],
    }));
    for (const [param, list, field] of [['ZoneName', input.ZoneNames, 'ZoneName'], ['ZoneId', input.ZoneIds, 'ZoneId']] as const) {
      if (!list?.length) continue;
      for (const name of list) {
        if (!all.some((z) => z[field] === name)) {
          throw ERRORS.invalidParameterValue(param, name, `Invalid availability zone: [${name}]`);
        }
      }
      all = all.filter((z) => list.includes(z[field] ?? ''));
    }
    return { AvailabilityZones: applyFilters(all, input.Filters, zoneFilters) };
  },
});
