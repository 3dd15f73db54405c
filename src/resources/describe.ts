/**
 * The one Describe sequence: validate ids (Malformed) and filters before any I/O → load, pushing ids, filters
 * and paging down to the source where it can take them → report every missing id (NotFound, listing them, as
 * AWS does) → the remaining filters (with `tag:`, `tag-key`, `tag-value`) in memory → stable order → MaxResults /
 * NextToken. An area states what its source can take; the helper decides what to push down.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import type { ActionContext } from '../actions/context.js';
import { ERRORS } from '../errors/catalog.js';
import { type FilterTable, matchFilters, type ParsedFilter, parseFilters } from '../kit/filters.js';
import { type PageOptions, type PageRequest, pageOf, pageRequest } from '../kit/paging.js';
import type { Tag } from '../store/store.js';
import { isValidId } from './ids.js';
import type { Kind } from './kinds.js';

/** What the helper asks of a source. */
export interface SourceQuery {
  /** EC2 ids asked for (validated, deduplicated). The source returns those that exist, unfiltered. */
  ids?: string[];
  /** Names asked for (KeyName …), when the kind is also addressed by name. */
  names?: string[];
  /** Filters the source applies itself: only those named in `pushdown.filters`, and never together with ids. */
  filters: ParsedFilter[];
  /** Set only when the source pages itself and nothing is left to filter in memory. */
  page?: PageRequest;
}

export interface DescribeSpec<T> {
  kind: Kind;
  action: string;
  /** Wire name of the id list's members, for messages: `KeyPairId` → KeyPairId.1. */
  idParam: string;
  id(item: T): string;
  /** Name of an item, when the action also takes names (KeyNames). */
  name?(item: T): string;
  /** Stable order and paging key (default: the id). */
  key?(item: T): string;
  filters: FilterTable<T>;
  /** Tags of an item, for tag filters (taggable kinds). */
  tags?(item: T): Tag[];
  /** What the source does itself. A paging source returns items in `key` order after `page.after`, at most `page.limit`. */
  pushdown?: { filters?: readonly string[]; paging?: boolean };
  paging?: Pick<PageOptions, 'min' | 'max'>;
  load(ctx: ActionContext, q: SourceQuery): Promise<T[]>;
}

export interface DescribeInput {
  ids?: string[];
  names?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function describe<T>(ctx: ActionContext, spec: DescribeSpec<T>, input: DescribeInput): Promise<{ items: T[]; nextToken?: string }> {
  const key = spec.key ?? spec.id;
  input.ids?.forEach((id, i) => {
    if (!isValidId(spec.kind, id)) throw ERRORS.malformedId(spec.kind, id, `${spec.idParam}.${i + 1}`);
  });
  const ids = input.ids?.length ? [...new Set(input.ids)] : undefined;
  const names = input.names?.length ? [...new Set(input.names)] : undefined;
  const filters = parseFilters(input.Filters, spec.filters as FilterTable<never>, spec.tags !== undefined);
  const pageOpts: PageOptions = {
    action: spec.action, ...spec.paging,
    query: { ids: input.ids, names: input.names, f: input.Filters, r: ctx.region },
  };
  const page = pageRequest(input, pageOpts);

  // Ids and names must be checked for existence before filtering, so with them nothing is pushed down.
  const addressed = ids !== undefined || names !== undefined;
  const pushable = new Set(addressed ? [] : spec.pushdown?.filters ?? []);
  const pushed = filters.filter((f) => pushable.has(f.name));
  const rest = filters.filter((f) => !pushable.has(f.name));
  const pagedBySource = spec.pushdown?.paging === true && rest.length === 0 && !addressed;
  const loaded = await spec.load(ctx, {
    ids, names, filters: pushed,
    page: pagedBySource ? { limit: page.limit === undefined ? undefined : page.limit + 1, after: page.after } : undefined,
  });

  if (ids) {
    const seen = new Set(loaded.map(spec.id));
    const missing = ids.filter((id) => !seen.has(id));
    if (missing.length) throw ERRORS.idNotFound(spec.kind, missing);
  }
  if (names && spec.name) {
    const seen = new Set(loaded.map(spec.name));
    const missing = names.filter((n) => !seen.has(n));
    if (missing.length) throw ERRORS.notFound(spec.kind, missing);
  }
  let items = loaded;
  if (ids) items = items.filter((i) => ids.includes(spec.id(i)));
  if (names && spec.name) {
    const nameOf = spec.name;
    items = items.filter((i) => names.includes(nameOf(i)));
  }
  items = matchFilters(items, rest, spec.filters, spec.tags);
  if (pagedBySource) return withPage(pageOf(items, { ...page }, key, pageOpts));
  items = [...items].sort((a, b) => compare(key(a), key(b)));
  const after = page.after;
  if (after !== undefined) items = items.filter((i) => key(i) > after);
  return withPage(pageOf(page.limit === undefined ? items : items.slice(0, page.limit + 1), page, key, pageOpts));
}

const withPage = <T>(p: { page: T[]; nextToken?: string }) => ({ items: p.page, nextToken: p.nextToken });
