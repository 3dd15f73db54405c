/**
 * Calls to an OpenStack service as the calling user: the caller's Keystone token,
 * and the service's endpoint from that token's catalog, in the caller's region.
 */
import { ProviderError } from '../errors.js';
import type { CloudContext } from '../provider.js';
import type { Upstream, UpstreamRequest, UpstreamResponse } from './http.js';
import { endpointOf, type KeystoneToken } from './keystone.js';

export interface ServiceCall {
  method: UpstreamRequest['method'];
  /** Path under the endpoint, with its query string. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  accept?: number[];
}

export type ServiceCaller = <T>(ctx: CloudContext, call: ServiceCall) => Promise<UpstreamResponse<T>>;

export function tokenOf(ctx: CloudContext): KeystoneToken {
  const t = ctx.auth as KeystoneToken | undefined;
  if (!t?.token) throw new ProviderError('Unauthorized', 'no OpenStack token for this request');
  return t;
}

/** A caller for one service; `types` are its catalog types, the preferred first. */
export function serviceCaller(http: Upstream, iface: string, service: string, types: string[], prefix = ''): ServiceCaller {
  return (ctx, call) => {
    const base = endpointOf(tokenOf(ctx).catalog, types, ctx.region, iface);
    if (!base) throw new ProviderError('Unavailable', `the catalog has no ${types[0]} endpoint in region ${ctx.region}`);
    if (ctx.upstreamCalls) ctx.upstreamCalls.count++;
    return http.call({
      service, method: call.method, url: `${base}${prefix}${call.path}`, token: tokenOf(ctx).token, body: call.body,
      headers: call.headers, accept: call.accept, requestId: ctx.requestId, signal: ctx.signal,
    });
  };
}

/** Follows an OpenStack list's pages until `want` objects are in or the list ends. */
export async function collect<T>(
  want: number,
  marker: string | undefined,
  fetchPage: (limit: number | undefined, marker: string | undefined) => Promise<{ items: T[]; more: boolean }>,
  idOf: (item: T) => string,
): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const { items, more } = await fetchPage(Number.isFinite(want) ? want - out.length : undefined, marker);
    out.push(...items);
    if (!more || items.length === 0 || out.length >= want) return out;
    marker = idOf(items[items.length - 1]);
  }
}
