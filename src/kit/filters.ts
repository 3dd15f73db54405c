/**
 * Describe filters, written once: each resource declares a table from filter
 * name to the values an item has for it; `tag:Key`, `tag-key` and `tag-value`
 * work on every taggable resource. Values match with EC2's wildcards
 * (src/kit/wildcards.ts). An unknown filter name is InvalidParameterValue, as in EC2.
 * Filters are parsed (validated) before any I/O, then applied in memory or pushed down to SQL.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { Ec2Error } from '../errors/ec2-error.js';
import type { Tag } from '../store/store.js';
import { wildcardRegExp } from './wildcards.js';

type Scalar = string | number | boolean | Date | undefined | null;
export type FilterTable<T> = Record<string, (item: T) => Scalar | Scalar[]>;

/** A validated filter: AND across filters, OR across one filter's values. */
export interface ParsedFilter { name: string; values: string[] }

const TAG_FILTERS = new Set(['tag-key', 'tag-value']);

export function parseFilters(filters: Filter[] | undefined, table: FilterTable<never>, taggable: boolean): ParsedFilter[] {
  return (filters ?? []).map((f, i) => {
    const name = f.Name;
    if (!name) throw new Ec2Error('MissingParameter', `The request must contain the parameter Filter.${i + 1}.Name`);
    if (!f.Values || f.Values.length === 0) {
      throw new Ec2Error('InvalidParameterValue', `The filter '${name}' (Filter.${i + 1}) must have at least one value`);
    }
    const known = Object.hasOwn(table, name) || (taggable && (name.startsWith('tag:') || TAG_FILTERS.has(name)));
    if (!known) throw new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
    return { name, values: f.Values };
  });
}

const asString = (v: Scalar): string | undefined =>
  v === undefined || v === null ? undefined : v instanceof Date ? v.toISOString() : String(v);

/** Items that match every parsed filter. */
export function matchFilters<T>(items: T[], filters: ParsedFilter[], table: FilterTable<T>, tagsOf?: (item: T) => Tag[]): T[] {
  if (filters.length === 0) return items;
  const compiled = filters.map(({ name, values }) => {
    const patterns = values.map(wildcardRegExp);
    let valuesOf: (item: T) => string[];
    if (tagsOf && name.startsWith('tag:') && !Object.hasOwn(table, name)) {
      const key = name.slice(4);
      valuesOf = (item) => tagsOf(item).filter((t) => t.Key === key).map((t) => t.Value);
    } else if (tagsOf && name === 'tag-key' && !Object.hasOwn(table, name)) {
      valuesOf = (item) => tagsOf(item).map((t) => t.Key);
    } else if (tagsOf && name === 'tag-value' && !Object.hasOwn(table, name)) {
      valuesOf = (item) => tagsOf(item).map((t) => t.Value);
    } else {
      const accessor = table[name];
      valuesOf = (item) => {
        const v = accessor(item);
        return (Array.isArray(v) ? v : [v]).map(asString).filter((s): s is string => s !== undefined);
      };
    }
    return { valuesOf, patterns };
  });
  return items.filter((item) => compiled.every((c) => c.valuesOf(item).some((v) => c.patterns.some((p) => p.test(v)))));
}

/** Parses and applies in one step, for lists that are small and in memory (regions, zones). */
export function applyFilters<T>(items: T[], filters: Filter[] | undefined, table: FilterTable<T>, tagsOf?: (item: T) => Tag[]): T[] {
  return matchFilters(items, parseFilters(filters, table as FilterTable<never>, tagsOf !== undefined), table, tagsOf);
}
