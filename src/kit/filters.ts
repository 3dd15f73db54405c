/**
 * Describe filters, written once: each resource declares a table from filter
 * name to the values an item has for it; `tag:Key`, `tag-key` and `tag-value`
 * work on every taggable resource. Values match with EC2's wildcards
 * (`*` any run, `?` one character, `\` escapes). An unknown filter name is
 * InvalidParameterValue, as in EC2.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { Ec2Error } from '../errors/ec2-error.js';
import type { Tag } from '../store/store.js';

type Scalar = string | number | boolean | Date | undefined | null;
export type FilterTable<T> = Record<string, (item: T) => Scalar | Scalar[]>;

function toPattern(value: string): RegExp {
  let re = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) re += value[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const asString = (v: Scalar): string | undefined =>
  v === undefined || v === null ? undefined : v instanceof Date ? v.toISOString() : String(v);

interface Compiled<T> { values: (item: T) => string[]; patterns: RegExp[] }

function compile<T>(filters: Filter[], table: FilterTable<T>, tagsOf?: (item: T) => Tag[]): Compiled<T>[] {
  return filters.map((f, i) => {
    const name = f.Name;
    if (!name) throw new Ec2Error('MissingParameter', `The request must contain the parameter Filter.${i + 1}.Name`);
    if (!f.Values || f.Values.length === 0) {
      throw new Ec2Error('InvalidParameterValue', `The filter '${name}' (Filter.${i + 1}) must have at least one value`);
    }
    const patterns = f.Values.map(toPattern);
    let values: (item: T) => string[];
    if (tagsOf && name.startsWith('tag:')) {
      const key = name.slice(4);
      values = (item) => tagsOf(item).filter((t) => t.Key === key).map((t) => t.Value);
    } else if (tagsOf && name === 'tag-key') {
      values = (item) => tagsOf(item).map((t) => t.Key);
    } else if (tagsOf && name === 'tag-value') {
      values = (item) => tagsOf(item).map((t) => t.Value);
    } else {
      const accessor = Object.hasOwn(table, name) ? table[name] : undefined;
      if (!accessor) throw new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
      values = (item) => {
        const v = accessor(item);
        return (Array.isArray(v) ? v : [v]).map(asString).filter((s): s is string => s !== undefined);
      };
    }
    return { values, patterns };
  });
}

/** Items that match every filter (AND across filters, OR across one filter's values). */
export function applyFilters<T>(items: T[], filters: Filter[] | undefined, table: FilterTable<T>, tagsOf?: (item: T) => Tag[]): T[] {
  if (!filters || filters.length === 0) return items;
  const compiled = compile(filters, table, tagsOf);
  return items.filter((item) => compiled.every((c) => c.values(item).some((v) => c.patterns.some((p) => p.test(v)))));
}
