/** CreateTags, DeleteTags, DescribeTags over every resource kind this service has. */
import type { TagDescription } from '@aws-sdk/client-ec2';
import { ERRORS } from '../errors/catalog.js';
import { applyFilters, type FilterTable } from '../kit/filters.js';
import { kindOfId, RESOURCE_TYPES } from '../kit/ids.js';
import { paginate } from '../kit/paging.js';
import { MAX_TAGS_PER_RESOURCE, tagLimitMessage, validateTags, withValues } from '../kit/tags.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

/** Checks that every id names an existing resource of the project in this region. */
async function checkResources(ctx: ActionContext, ids: string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    const kind = kindOfId(id);
    if (!kind) throw ERRORS.malformedId(id, `ResourceId.${i + 1}`);
    const resource = await ctx.store.findResource(ctx.projectId, ctx.region, id);
    if (!resource || resource.kind !== kind) throw ERRORS.idNotFound(kind, id);
  }
}

defineAction('CreateTags', {
  supports: ['Resources', 'Tags'],
  async handler(ctx, input) {
    if (input.Resources.length === 0) throw ERRORS.missingParameter('ResourceId.1');
    if (input.Tags.length === 0) throw ERRORS.missingParameter('Tag.1.Key');
    const tags = withValues(validateTags(input.Tags, 'Tag'));
    if (tags.length > MAX_TAGS_PER_RESOURCE) throw ERRORS.tagLimitExceeded(tagLimitMessage());
    await checkResources(ctx, input.Resources);
    const { over, missing } = await ctx.store.putTags(ctx.projectId, [...new Set(input.Resources)], tags, MAX_TAGS_PER_RESOURCE);
    if (over) throw ERRORS.tagLimitExceeded(`${tagLimitMessage()} (${over})`);
    if (missing) throw ERRORS.idNotFound(kindOfId(missing) ?? 'key-pair', missing); // deleted since checkResources
    return {};
  },
});

defineAction('DeleteTags', {
  supports: ['Resources', 'Tags'],
  async handler(ctx, input) {
    if (input.Resources.length === 0) throw ERRORS.missingParameter('ResourceId.1');
    const tags = input.Tags === undefined ? undefined : validateTags(input.Tags, 'Tag');
    await checkResources(ctx, input.Resources);
    await ctx.store.deleteTags(ctx.projectId, [...new Set(input.Resources)], tags);
    return {};
  },
});

const tagFilters: FilterTable<TagDescription> = {
  key: (t) => t.Key,
  value: (t) => t.Value,
  'resource-id': (t) => t.ResourceId,
  'resource-type': (t) => t.ResourceType,
};

defineAction('DescribeTags', {
  supports: ['Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const rows = await ctx.store.listTags(ctx.projectId, ctx.region);
    const all: TagDescription[] = rows.map((r) => ({
      Key: r.key, Value: r.value, ResourceId: r.resourceId, ResourceType: RESOURCE_TYPES[r.kind] as TagDescription['ResourceType'],
    }));
    // tag:Key on DescribeTags filters the tag rows themselves (key = Key and value matches).
    const tagsOfRow = (t: TagDescription) => [{ Key: t.Key ?? '', Value: t.Value ?? '' }];
    const matched = applyFilters(all, input.Filters, tagFilters, tagsOfRow);
    const { page, nextToken } = paginate(matched, input, {
      action: 'DescribeTags',
      key: (t) => `${t.ResourceId}\u0000${t.Key}`,
      query: { f: input.Filters, r: ctx.region },
    });
    return { Tags: page, NextToken: nextToken };
  },
});
