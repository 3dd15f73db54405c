/** CreateTags, DeleteTags, DescribeTags over every taggable kind of the registry. */
import type { TagDescription } from '@aws-sdk/client-ec2';
import { ERRORS } from '../errors/catalog.js';
import { type ParsedFilter, parseFilters } from '../kit/filters.js';
import { pageOf, pageRequest } from '../kit/paging.js';
import { MAX_TAGS_PER_RESOURCE, tagLimitMessage, validateTags, withValues } from '../kit/tags.js';
import { wildcardRegExp } from '../kit/wildcards.js';
import { kindOfId } from '../resources/ids.js';
import { allKinds, type Kind, kindSpec } from '../resources/kinds.js';
import type { TagQuery, TagRow } from '../store/store.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

/** Checks that every id names an existing taggable resource of the project in this region; reports every missing one. */
async function checkResources(ctx: ActionContext, ids: string[]): Promise<void> {
  const kinds = ids.map((id, i) => {
    const kind = kindOfId(id);
    if (!kind || !kindSpec(kind).taggable) throw ERRORS.malformedId(kind, id, `ResourceId.${i + 1}`);
    return kind;
  });
  const found = new Map((await ctx.store.resources.findMany(ctx.projectId, ctx.region, [...new Set(ids)])).map((r) => [r.id, r.kind]));
  const missing = ids.map((id, i) => ({ id, kind: kinds[i] })).filter(({ id, kind }) => found.get(id) !== kind);
  if (missing.length) throw ERRORS.idNotFound(missing[0].kind, missing.filter((m) => m.kind === missing[0].kind).map((m) => m.id));
}

defineAction('CreateTags', {
  supports: ['Resources', 'Tags'],
  async handler(ctx, input) {
    if (input.Resources.length === 0) throw ERRORS.missingParameter('ResourceId.1');
    if (input.Tags.length === 0) throw ERRORS.missingParameter('Tag.1.Key');
    const tags = withValues(validateTags(input.Tags, 'Tag'));
    if (tags.length > MAX_TAGS_PER_RESOURCE) throw ERRORS.tagLimitExceeded(tagLimitMessage());
    await checkResources(ctx, input.Resources);
    const { over, missing } = await ctx.store.tags.put(ctx.projectId, [...new Set(input.Resources)], tags, MAX_TAGS_PER_RESOURCE);
    if (over) throw ERRORS.tagLimitExceeded(`${tagLimitMessage()} (${over})`);
    if (missing) throw ERRORS.idNotFound(kindOfId(missing) as Kind, [missing]); // deleted since checkResources
    return {};
  },
});

defineAction('DeleteTags', {
  supports: ['Resources', 'Tags'],
  async handler(ctx, input) {
    if (input.Resources.length === 0) throw ERRORS.missingParameter('ResourceId.1');
    const tags = input.Tags === undefined ? undefined : validateTags(input.Tags, 'Tag');
    await checkResources(ctx, input.Resources);
    await ctx.store.tags.delete(ctx.projectId, [...new Set(input.Resources)], tags);
    return {};
  },
});

// DescribeTags' filters all go to SQL; the table only names them (for validation).
const tagFilterNames = { key: () => 0, value: () => 0, 'resource-id': () => 0, 'resource-type': () => 0 };

/** The SQL query for DescribeTags' filters. tag:Key filters the tag rows themselves (key = Key and value matches). */
function tagQuery(filters: ParsedFilter[]): TagQuery {
  const q: TagQuery = { match: [], tagFilters: [] };
  const columns = { key: 'key', 'tag-key': 'key', value: 'value', 'tag-value': 'value', 'resource-id': 'resource_id' } as const;
  for (const f of filters) {
    if (Object.hasOwn(columns, f.name)) q.match?.push({ column: columns[f.name as keyof typeof columns], patterns: f.values });
    else if (f.name === 'resource-type') {
      const patterns = f.values.map(wildcardRegExp);
      const kinds = allKinds().filter((k) => kindSpec(k).taggable && patterns.some((p) => p.test(kindSpec(k).resourceType ?? '')));
      q.kinds = q.kinds ? q.kinds.filter((k) => kinds.includes(k)) : kinds;
    } else q.tagFilters?.push({ key: f.name.slice(4), values: f.values });
  }
  return q;
}

defineAction('DescribeTags', {
  supports: ['Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const filters = parseFilters(input.Filters, tagFilterNames, true);
    const opts = { action: 'DescribeTags', query: { f: input.Filters, r: ctx.region } };
    const page = pageRequest(input, opts);
    const q = tagQuery(filters);
    if (page.after !== undefined) {
      const [resourceId, key] = page.after.split('\u0000');
      q.after = { resourceId, key: key ?? '' };
    }
    if (page.limit !== undefined) q.limit = page.limit + 1;
    const rows = await ctx.store.tags.describe(ctx.projectId, ctx.region, q);
    const keyOf = (r: TagRow) => `${r.resourceId}\u0000${r.key}`;
    const { page: items, nextToken } = pageOf(rows, page, keyOf, opts);
    return {
      Tags: items.map((r): TagDescription => ({ Key: r.key, Value: r.value, ResourceId: r.resourceId, ResourceType: kindSpec(r.kind).resourceType })),
      NextToken: nextToken,
    };
  },
});
