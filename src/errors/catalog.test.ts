import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATALOG_CODES } from './catalog.js';

const root = new URL('../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

test('every code raised in src/ is in the catalog', () => {
  const raised = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/new Ec2Error\(\s*'([A-Za-z.]+)'/g)) raised.add(m[1]);
  }
  assert.ok(raised.size > 10, 'the scan found the raise sites');
  assert.deepEqual([...raised].filter((c) => !CATALOG_CODES.includes(c)), []);
});

test("the README's error table lists exactly the catalog's codes", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
  const listed = new Set(
    [...table.matchAll(/^\| ([^|]+) \| \d{3} \|/gm)].flatMap((m) => m[1].split('/').map((c) => c.trim())),
  );
  assert.deepEqual([...listed].filter((c) => !CATALOG_CODES.includes(c)).sort(), [], 'README codes not in the catalog');
  assert.deepEqual(CATALOG_CODES.filter((c) => !listed.has(c)).sort(), [], 'catalog codes missing from the README');
});
