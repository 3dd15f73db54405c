/** Paging shared by the providers: a list fetches limit + 1 objects to know whether another page follows. */
import { ProviderError } from './errors.js';
import type { ListQuery, Page } from './provider.js';

/** Throws BadRequest for a limit that is not a positive integer. */
export function checkQuery(query: ListQuery<unknown>): void {
  const { limit } = query;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ProviderError('BadRequest', `limit must be a positive integer, not ${limit}`);
  }
}

/** The page of `rows` (fetched with limit + 1): at most `limit` items, and the marker of the next page when there is one. */
export function pageOf<T>(rows: T[], limit: number | undefined, idOf: (item: T) => string): Page<T> {
  if (limit === undefined || rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: idOf(items[items.length - 1]) };
}

export const markerNotFound = (marker: string) => new ProviderError('BadRequest', `Marker ${marker} could not be found.`);

/** Every object of a list, following its pages (a backend may page even when no limit is asked). */
export async function listAll<T>(fetch: (marker?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetch(marker);
    out.push(...page.items);
    marker = page.next;
  } while (marker !== undefined);
  return out;
}
