#!/usr/bin/env node
// The README's test command. Unit tests (src/**/*.test.ts) run once; the
// end-to-end suites (test/**/*.test.ts) run once per store dialect in
// EC2API_TEST_DIALECTS (default: sqlite,mysql,postgres). With --openstack, the
// OpenStack suites run instead, against the test cloud (brought up if needed).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const files = (dir, filter) => {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts') && filter(p)) out.push(p.slice(root.length));
    }
  };
  walk(join(root, dir));
  return out;
};

function run(label, testFiles, env = {}) {
  if (testFiles.length === 0) return true;
  console.log(`\n=== ${label} (${testFiles.length} files) ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...testFiles], {
    cwd: root, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
  });
  return r.status === 0;
}

const results = [];
if (process.argv.includes('--openstack')) {
  const up = spawnSync(join(root, 'scripts/testcloud/testcloud'), ['up'], { cwd: root, stdio: 'inherit' });
  if (up.status !== 0) { console.error('test cloud did not come up'); process.exit(1); }
  // The foundation's end-to-end suites and the provider contract, on the OpenStack backend
  // (store on MariaDB, as OpenStack deployments run it). Suites about the embedded
  // cloud's own operation (ops, store, upstream stubs) run in the embedded runs only.
  const localOnly = ['/test/ops/', '/test/store/', '/test/upstream/'];
  results.push(['openstack', run('OpenStack suites', files('test', (p) => !localOnly.some((d) => `/${p}`.includes(d))), { EC2API_TEST_BACKEND: 'openstack', EC2API_TEST_DIALECT: 'mysql' })]);
} else {
  results.push(['unit', run('unit tests', files('src', () => true))]);
  const dialects = (process.env.EC2API_TEST_DIALECTS ?? 'sqlite,mysql,postgres').split(',').map((s) => s.trim()).filter(Boolean);
  for (const dialect of dialects) {
    results.push([`e2e:${dialect}`, run(`end-to-end suites on ${dialect}`, files('test', (p) => !p.includes('/openstack/')), { EC2API_TEST_DIALECT: dialect, EC2API_TEST_BACKEND: 'local' })]);
  }
}
console.log('\n=== summary ===');
for (const [name, ok] of results) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
