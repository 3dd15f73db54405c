import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdentityService } from './provider.js';
import { cachedRegions } from './region-cache.js';

/** A backend whose region list counts its reads and can fail. */
function backend() {
  const state = { reads: 0, fail: false, names: ['RegionOne'] };
  const identity: IdentityService = {
    async listRegions() {
      state.reads++;
      await new Promise((r) => setImmediate(r));
      if (state.fail) throw new Error('keystone down');
      return { mode: 'fixed', regions: state.names.map((name) => ({ name })) };
    },
  };
  return { state, identity };
}

test('concurrent misses share one read; later calls are served from the cache', async () => {
  const b = backend();
  const cached = cachedRegions(b.identity, 60_000);
  const all = await Promise.all(Array.from({ length: 10 }, () => cached.listRegions()));
  for (const r of all) assert.deepEqual(r.regions, [{ name: 'RegionOne' }]);
  await cached.listRegions();
  assert.equal(b.state.reads, 1);
});

test('after the TTL the list is read again; a failed read is not cached', async () => {
  const b = backend();
  const cached = cachedRegions(b.identity, 30);
  await cached.listRegions();
  b.state.names = ['RegionOne', 'RegionTwo'];
  const deadline = Date.now() + 5_000;
  while ((await cached.listRegions()).regions.length !== 2) {
    assert.ok(Date.now() < deadline, 'the new list within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const reads = b.state.reads;
  b.state.fail = true;
  await new Promise((r) => setTimeout(r, 40)); // past the TTL
  await assert.rejects(cached.listRegions(), /keystone down/);
  b.state.fail = false;
  assert.deepEqual((await cached.listRegions()).regions.map((r) => r.name), ['RegionOne', 'RegionTwo']);
  assert.equal(b.state.reads, reads + 2);
});
