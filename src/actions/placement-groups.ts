/**
 * Placement groups: CreatePlacementGroup, DeletePlacementGroup, DescribePlacementGroups. A placement group is a
 * server group of the cloud (Nova os-server-groups), named as in EC2; the EC2-only attributes (strategy, partition
 * count, spread level) are kept with its mapping. Strategy → policy:
 *   cluster   → affinity            (one host: the closest Nova has to "low latency, same rack")
 *   spread    → anti-affinity       (each instance on distinct hardware, a hard rule as in EC2, which refuses a launch
 *                                    it cannot spread)
 *   partition → soft-anti-affinity  (Nova has no partitions; spreading as far as hosts allow without refusing a launch
 *                                    is what partitions of many instances each give)
 * Groups made outside EC2 appear on first sight with the strategy their policy maps back to (soft-affinity: cluster).
 * Names are unique per project and region in EC2 (not in Nova): a second group of a name is InvalidPlacementGroup.Duplicate.
 */
import type { PlacementGroup, PlacementStrategy, SpreadLevel } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import type { ServerGroupRecord } from '../cloud/records.js';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error, isEc2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { type Mapped, mapCloudObjects } from '../resources/mapping.js';
import { createWithUndo } from '../resources/undo.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

export interface PlacementGroupAttrs {
  strategy: PlacementStrategy;
  partitionCount?: number;
  spreadLevel?: SpreadLevel;
}
export type PlacementGroupView = Mapped<ServerGroupRecord>;

const POLICY_OF: Partial<Record<PlacementStrategy, ServerGroupRecord['policy']>> = {
  cluster: 'affinity', spread: 'anti-affinity', partition: 'soft-anti-affinity',
};
const STRATEGY_OF: Record<ServerGroupRecord['policy'], PlacementStrategy> = {
  affinity: 'cluster', 'soft-affinity': 'cluster', 'anti-affinity': 'spread', 'soft-anti-affinity': 'partition',
};
/** AWS: 500 placement groups per region; partitions 1–7 (default 2). */
const MAX_GROUPS = 500;
const MAX_PARTITIONS = 7;
const DEFAULT_PARTITIONS = 2;

const unknown = (name: string) => new Ec2Error('InvalidPlacementGroup.Unknown', `The Placement Group '${name}' is unknown.`);

function attrsOf(v: PlacementGroupView): PlacementGroupAttrs {
  const a = v.resource.attrs as Partial<PlacementGroupAttrs>;
  return a.strategy ? (a as PlacementGroupAttrs) : firstSight(v.record);
}

function firstSight(record: ServerGroupRecord): PlacementGroupAttrs {
  const strategy = STRATEGY_OF[record.policy] ?? 'spread';
  return strategy === 'partition' ? { strategy, partitionCount: DEFAULT_PARTITIONS }
    : strategy === 'spread' ? { strategy, spreadLevel: 'rack' } : { strategy };
}

const arnOf = (ctx: ActionContext, name: string) => `arn:aws:ec2:${ctx.region}:${ctx.principal.ownerId}:placement-group/${name}`;

function present(ctx: ActionContext, v: PlacementGroupView): PlacementGroup {
  const a = attrsOf(v);
  return {
    GroupName: v.record.name,
    State: 'available',
    Strategy: a.strategy,
    PartitionCount: a.partitionCount,
    GroupId: v.resource.id,
    Tags: v.tags,
    GroupArn: arnOf(ctx, v.record.name),
    SpreadLevel: a.spreadLevel,
  };
}

/** Every placement group of the caller (mapped on first sight), or those with these EC2 ids. */
async function loadGroups(ctx: ActionContext, ids?: string[]): Promise<PlacementGroupView[]> {
  const records = await ctx.cloud.compute.listServerGroups(ctx.cloudCtx);
  const mapped = await mapCloudObjects(ctx, 'placement-group', records, {
    osId: (r) => r.id,
    firstSight,
    authoritative: { stillExists: async (id) => (await ctx.cloud.compute.getServerGroup(ctx.cloudCtx, id)) !== undefined },
  });
  return ids ? mapped.filter((m) => ids.includes(m.resource.id)) : mapped;
}

const filters = (ctx: ActionContext): FilterTable<PlacementGroupView> => ({
  'group-name': (v) => v.record.name,
  'group-arn': (v) => arnOf(ctx, v.record.name),
  state: () => 'available',
  strategy: (v) => attrsOf(v).strategy,
  'spread-level': (v) => attrsOf(v).spreadLevel,
});

const spec = (ctx: ActionContext): DescribeSpec<PlacementGroupView> => ({
  kind: 'placement-group',
  action: 'DescribePlacementGroups',
  idParam: 'GroupId',
  id: (v) => v.resource.id,
  name: (v) => v.record.name,
  key: (v) => `${v.record.name}\u0000${v.resource.id}`,
  filters: filters(ctx),
  tags: (v) => v.tags,
  load: (c, q) => loadGroups(c, q.ids),
});

/**
 * Checks that say a group is in use (instances in it): the instances area registers one. Nova's own members (servers
 * placed in the group) always count.
 */
const inUseChecks: ((ctx: ActionContext, group: PlacementGroupView) => Promise<boolean>)[] = [];
export function registerPlacementGroupInUseCheck(check: (ctx: ActionContext, group: PlacementGroupView) => Promise<boolean>): void {
  inUseChecks.push(check);
}

/** The placement group named `name` (RunInstances' Placement.GroupName): InvalidPlacementGroup.Unknown when none. */
export async function resolvePlacementGroup(ctx: ActionContext, name: string): Promise<PlacementGroupView & { attrs: PlacementGroupAttrs }> {
  const found = (await loadGroups(ctx)).filter((g) => g.record.name === name).sort((a, b) => (a.resource.id < b.resource.id ? -1 : 1));
  if (found.length === 0) throw unknown(name);
  return { ...found[0], attrs: attrsOf(found[0]) };
}

function validateName(name: string | undefined): string {
  if (name === undefined) throw ERRORS.missingParameter('GroupName');
  if (name.length === 0) throw ERRORS.invalidParameterValue('GroupName', name, 'The placement group name must not be empty.');
  if (name.length > 255) throw ERRORS.invalidParameterValue('GroupName', name, 'The placement group name can be at most 255 characters.');
  if (!/^[\x20-\x7e]+$/.test(name)) throw ERRORS.invalidParameterValue('GroupName', name, 'The placement group name must be ASCII.');
  return name;
}

defineAction('CreatePlacementGroup', {
  supports: ['GroupName', 'Strategy', 'PartitionCount', 'SpreadLevel', 'TagSpecifications'],
  async handler(ctx, input) {
    const name = validateName(input.GroupName);
    const strategy = input.Strategy;
    if (strategy === undefined) throw ERRORS.missingParameter('Strategy');
    const policy = POLICY_OF[strategy];
    if (policy === undefined) throw ERRORS.invalidParameterValue('Strategy', strategy, 'Valid values: cluster, spread, partition.');
    const attrs: PlacementGroupAttrs = { strategy };
    if (input.PartitionCount !== undefined) {
      if (strategy !== 'partition') {
        throw ERRORS.invalidParameterCombination('PartitionCount is only valid for placement groups with the partition strategy.');
      }
      if (!Number.isInteger(input.PartitionCount) || input.PartitionCount < 1 || input.PartitionCount > MAX_PARTITIONS) {
        throw ERRORS.invalidParameterValue('PartitionCount', input.PartitionCount, `It must be between 1 and ${MAX_PARTITIONS}.`);
      }
    }
    if (strategy === 'partition') attrs.partitionCount = input.PartitionCount ?? DEFAULT_PARTITIONS;
    if (input.SpreadLevel !== undefined) {
      if (strategy !== 'spread') throw ERRORS.invalidParameterCombination('SpreadLevel is only valid for placement groups with the spread strategy.');
      if (input.SpreadLevel === 'host') {
        throw ERRORS.invalidParameterValue('SpreadLevel', 'host', 'Host-level spread is only supported for placement groups on Outposts.');
      }
    }
    if (strategy === 'spread') attrs.spreadLevel = input.SpreadLevel ?? 'rack';
    const tags = tagsFromSpecifications(input.TagSpecifications, ['placement-group']).get('placement-group') ?? [];

    const existing = await loadGroups(ctx);
    if (existing.some((g) => g.record.name === name)) throw ec2Error('InvalidPlacementGroup.Duplicate', `The placement group '${name}' already exists.`);
    if (existing.length >= MAX_GROUPS) {
      throw ec2Error('PlacementGroupLimitExceeded', `You have reached the limit of ${MAX_GROUPS} placement groups in this region.`);
    }
    const { resource } = await createWithUndo(ctx, async (undo) => {
      const record = await undo.step('create server group', async () => {
        try {
          return await ctx.cloud.compute.createServerGroup(ctx.cloudCtx, { name, policy });
        } catch (e) {
          if (isProviderError(e, 'BadRequest')) throw ERRORS.invalidParameterValue('GroupName', name, `The cloud refused the name: ${e.message}`);
          if (isProviderError(e, 'QuotaExceeded')) {
            throw ec2Error('PlacementGroupLimitExceeded', `You have reached the limit of placement groups of this project (${e.message}).`);
          }
          throw e;
        }
      }, (made) => ctx.cloud.compute.deleteServerGroup(undo.cloudCtx, made.id));
      // A concurrent create of the same name: the group with the lowest id keeps it.
      const same = (await ctx.cloud.compute.listServerGroups(ctx.cloudCtx)).filter((g) => g.name === name);
      if (same.some((g) => g.id < record.id)) throw ec2Error('InvalidPlacementGroup.Duplicate', `The placement group '${name}' already exists.`);
      const resource = await ctx.store.transaction(async (tx) => {
        const r = await tx.resources.create(ctx.projectId, ctx.region, 'placement-group', record.id, attrs);
        // A concurrent Describe may have mapped it first with first-sight attributes: ours are the truth.
        await tx.resources.updateAttrs(ctx.projectId, r.id, attrs);
        await writeCreateTags(tx, ctx.projectId, r.id, tags);
        return r;
      });
      return { record, resource };
    });
    return {
      PlacementGroup: {
        GroupName: name, State: 'available', Strategy: strategy, PartitionCount: attrs.partitionCount,
        GroupId: resource.id, Tags: tags, GroupArn: arnOf(ctx, name), SpreadLevel: attrs.spreadLevel,
      },
    };
  },
});

defineAction('DeletePlacementGroup', {
  supports: ['GroupName'],
  async handler(ctx, input) {
    const name = input.GroupName;
    if (name === undefined || name === '') throw ERRORS.missingParameter('GroupName');
    const group = await resolvePlacementGroup(ctx, name);
    let inUse = group.record.memberIds.length > 0;
    for (const check of inUseChecks) if (!inUse) inUse = await check(ctx, group);
    if (inUse) throw ec2Error('InvalidPlacementGroup.InUse', `The placement group '${name}' is in use and may not be deleted.`);
    try {
      await ctx.cloud.compute.deleteServerGroup(ctx.cloudCtx, group.record.id);
    } catch (e) {
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    await ctx.store.resources.delete(ctx.projectId, [group.resource.id]);
    return {};
  },
});

defineAction('DescribePlacementGroups', {
  supports: ['GroupNames', 'GroupIds', 'Filters'],
  async handler(ctx, input) {
    try {
      const { items } = await describe(ctx, spec(ctx), { ids: input.GroupIds, names: input.GroupNames, Filters: input.Filters });
      return { PlacementGroups: items.map((v) => present(ctx, v)) };
    } catch (e) {
      // AWS names a missing group by name "unknown"; the registry's message is for ids.
      if (isEc2Error(e) && e.code === 'InvalidPlacementGroup.Unknown' && input.GroupNames?.length && !/ ID/.test(e.message)) {
        const names = new Set((await loadGroups(ctx)).map((g) => g.record.name));
        const missing = input.GroupNames.filter((n) => !names.has(n));
        if (missing.length) throw unknown(missing[0]);
      }
      throw e;
    }
  },
});
