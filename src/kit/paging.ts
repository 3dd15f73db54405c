/**
 * MaxResults / NextToken, written once. Results are ordered by a stable key;
 * the token is opaque (base64url JSON) and remembers the action, the last key
 * returned, a hash of the request's other parameters and an expiry. A token
 * that is malformed, expired, or from another request is InvalidPaginationToken,
 * as EC2's error-code list gives it. Sources that can page themselves (SQL, an
 * API with limit/marker) take `limit`/`after` from `pageRequest` and hand
 * `limit + 1` rows to `pageOf`; others use `paginate` over the whole list.
 */
import { createHash } from 'node:crypto';
import { ERRORS } from '../errors/catalog.js';

const TOKEN_TTL_MS = 24 * 3600 * 1000;

interface TokenBody { v: 1; a: string; k: string; h: string; e: number }

export interface PageInput { MaxResults?: number; NextToken?: string }
export interface PageOptions {
  action: string;
  /** The request parameters other than paging: a token only continues the same query. */
  query: unknown;
  min?: number;
  max?: number;
}
/** What a source must return: up to `limit` + 1 items (the extra one says there is a next page) after key `after`. */
export interface PageRequest { limit?: number; after?: string }

const hashOf = (query: unknown) => createHash('sha256').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 16);

/** Validates MaxResults and decodes NextToken. */
export function pageRequest(input: PageInput, opts: PageOptions): PageRequest {
  const min = opts.min ?? 5;
  const max = opts.max ?? 1000;
  const { MaxResults, NextToken } = input;
  if (MaxResults !== undefined && (!Number.isInteger(MaxResults) || MaxResults < min || MaxResults > max)) {
    throw ERRORS.invalidParameterValue('MaxResults', MaxResults, `It must be an integer between ${min} and ${max}.`);
  }
  let after: string | undefined;
  if (NextToken !== undefined) {
    let body: TokenBody;
    try {
      body = JSON.parse(Buffer.from(NextToken, 'base64url').toString('utf8'));
    } catch {
      throw ERRORS.invalidPaginationToken(NextToken);
    }
    if (body?.v !== 1 || body.a !== opts.action || body.h !== hashOf(opts.query) || typeof body.k !== 'string'
      || typeof body.e !== 'number' || body.e < Date.now()) {
      throw ERRORS.invalidPaginationToken(NextToken);
    }
    after = body.k;
  }
  return { limit: MaxResults, after };
}

/** The page and its NextToken, from the items a source returned after `req.after` (at most limit + 1 of them). */
export function pageOf<T>(items: T[], req: PageRequest, key: (item: T) => string, opts: PageOptions): { page: T[]; nextToken?: string } {
  if (req.limit === undefined || items.length <= req.limit) return { page: items };
  const page = items.slice(0, req.limit);
  const body: TokenBody = { v: 1, a: opts.action, k: key(page[page.length - 1]), h: hashOf(opts.query), e: Date.now() + TOKEN_TTL_MS };
  return { page, nextToken: Buffer.from(JSON.stringify(body)).toString('base64url') };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Pages a whole list in memory, in `key` order. */
export function paginate<T>(items: T[], input: PageInput, key: (item: T) => string, opts: PageOptions): { page: T[]; nextToken?: string } {
  const req = pageRequest(input, opts);
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
  const after = req.after;
  const rest = after === undefined ? sorted : sorted.filter((i) => key(i) > after);
  return pageOf(req.limit === undefined ? rest : rest.slice(0, req.limit + 1), req, key, opts);
}
