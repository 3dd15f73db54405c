/**
 * The one cache of a backend's region list, shared by the pipeline's region check
 * and DescribeRegions: an OpenStack catalog changes rarely, and reading it costs a
 * Keystone call. Concurrent misses share one fetch.
 */
import { LRUCache } from 'lru-cache';
import type { CloudContext, IdentityService } from './provider.js';

export const REGION_CACHE_TTL_MS = 60_000;

type Regions = Awaited<ReturnType<IdentityService['listRegions']>>;

export function cachedRegions(identity: IdentityService, ttlMs = REGION_CACHE_TTL_MS): IdentityService {
  const cache = new LRUCache<'regions', Regions, CloudContext | undefined>({
    max: 1,
    ttl: ttlMs,
    fetchMethod: (_key, _stale, { context }) => identity.listRegions(context),
  });
  return {
    async listRegions(ctx) {
      const regions = await cache.fetch('regions', { context: ctx });
      if (!regions) throw new Error('region list fetch returned nothing'); // fetchMethod never resolves undefined
      return regions;
    },
  };
}
