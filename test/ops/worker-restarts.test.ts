/**
 * A worker that dies at start is replaced with a growing backoff, and a slot whose
 * worker keeps dying stops the service instead of forking forever.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEnv, spawnNode } from '../helpers/processes.js';

test('workers that die at start: replaced after 0.5, 1, 2, 4 s, then the primary gives up with exit 1', async () => {
  const primary = spawnNode('test/fixtures/dying-workers.ts', cleanEnv({}));
  const exit = await primary.exited;
  assert.deepEqual(exit, { code: 1, signal: null }, primary.stderr());
  const lines = primary.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const replaced = lines.filter((l) => l.msg === 'worker died: replacing it');
  assert.equal(replaced.length, 4);
  for (const l of replaced) assert.deepEqual([l.level, l.code, l.early], ['warn', 3, true]);
  assert.deepEqual(replaced.map((l) => l.delay_ms), [500, 1000, 2000, 4000]);
  const gaveUp = lines.find((l) => l.msg === 'a worker keeps dying at start: giving up');
  assert.equal(gaveUp?.level, 'error');
  assert.equal(gaveUp?.deaths, 5);
  assert.equal(lines.at(-1)?.msg, 'stopped');
});
