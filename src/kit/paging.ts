/**
 * MaxResults / NextToken, written once. Results are sorted by a stable key;
 * the token is opaque (base64url JSON) and remembers the action, the last key
 * returned, a hash of the request's other parameters and an expiry. A token
 * that is malformed, expired, or from another request is InvalidPaginationToken,
 * as EC2's error-code list gives it.
 */
import { createHash } from 'node:crypto';
import { ERRORS } from '../errors/catalog.js';

const TOKEN_TTL_MS = 24 * 3600 * 1000;

interface TokenBody { v: 1; a: string; k: string; h: string; e: number }

export interface PageRequest { MaxResults?: number; NextToken?: string }
export interface PageOptions<T> {
  action: string;
  key: (item: T) => string;
  /** The request parameters other than paging: a token only continues the same query. */
  query: unknown;
  min?: number;
  max?: number;
}

const hashOf = (query: unknown) => createHash('sha256').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 16);

function decodeToken(token: string, action: string, h: string): string {
  let body: TokenBody;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw ERRORS.invalidPaginationToken(token);
  }
  if (body?.v !== 1 || body.a !== action || body.h !== h || typeof body.k !== 'string' || typeof body.e !== 'number' || body.e < Date.now()) {
    throw ERRORS.invalidPaginationToken(token);
  }
  return body.k;
}

export function paginate<T>(items: T[], req: PageRequest, opts: PageOptions<T>): { page: T[]; nextToken?: string } {
  const min = opts.min ?? 5;
  const max = opts.max ?? 1000;
  const { MaxResults, NextToken } = req;
  if (MaxResults !== undefined && (!Number.isInteger(MaxResults) || MaxResults < min || MaxResults > max)) {
    throw ERRORS.invalidParameterValue('MaxResults', MaxResults, `It must be an integer between ${min} and ${max}.`);
  }
  const h = hashOf(opts.query);
  const sorted = [...items].sort((a, b) => (opts.key(a) < opts.key(b) ? -1 : opts.key(a) > opts.key(b) ? 1 : 0));
  let start = 0;
  if (NextToken !== undefined) {
    const after = decodeToken(NextToken, opts.action, h);
    start = sorted.findIndex((i) => opts.key(i) > after);
    if (start < 0) start = sorted.length;
  }
  if (MaxResults === undefined) return { page: sorted.slice(start) };
  const page = sorted.slice(start, start + MaxResults);
  if (start + MaxResults >= sorted.length) return { page };
  const body: TokenBody = { v: 1, a: opts.action, k: opts.key(page[page.length - 1]), h, e: Date.now() + TOKEN_TTL_MS };
  return { page, nextToken: Buffer.from(JSON.stringify(body)).toString('base64url') };
}
