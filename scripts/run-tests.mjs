#!/usr/bin/env node
// The README's test command. Which suites run where:
//   unit tests (src/**/*.test.ts)                                   once
//   store, provider contract and multi-process suites               on every dialect in EC2API_TEST_DIALECTS
//     (test/store, test/cloud-contract/local*,                      (default: sqlite,mysql,postgres)
//      test/ops/multi-process)
//   end-to-end action suites (every other test/**/*.test.ts)        on SQLite, the embedded default
// With --openstack: the end-to-end suites and the provider contract against the test cloud (brought up if
// needed; store on MariaDB, as OpenStack deployments run it). Files named on the command line run alone
// (on the dialects their group runs on). Two groups run at a time, each with its files in parallel: the
// suites wait on databases and child processes, but the machine's cores are the limit beyond that.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const openstack = args.includes('--openstack');
const only = args.filter((a) => !a.startsWith('--')).map((a) => relative(root, resolve(process.cwd(), a)));
const concurrency = Number(process.env.EC2API_TEST_CONCURRENCY ?? 4);

const files = (dir, filter = () => true) => {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts') && filter(relative(root, p))) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return only.length ? out.filter((f) => only.some((o) => f === o || f.startsWith(`${o}/`))) : out;
};

const perDialect = (p) => p.startsWith('test/store/') || p === 'test/ops/multi-process.test.ts' || p.startsWith('test/cloud-contract/local');
const localOnly = (p) => perDialect(p) || p.startsWith('test/upstream/') || p.startsWith('test/ops/') || p === 'test/cloud-contract/openstack.test.ts' || p.startsWith('test/openstack/');

const groups = [];
if (openstack) {
  const up = spawnSync(join(root, 'scripts/testcloud/testcloud'), ['up'], { cwd: root, stdio: 'inherit' });
  if (up.status !== 0) { console.error('test cloud did not come up'); process.exit(1); }
  const suites = files('test', (p) => !localOnly(p) || p === 'test/cloud-contract/openstack.test.ts' || p.startsWith('test/openstack/'));
  groups.push({ name: 'openstack', files: suites, env: { EC2API_TEST_BACKEND: 'openstack', EC2API_TEST_DIALECT: 'mysql' },
    // nova-api and keystone of the test cloud are single processes: fewer files at once there.
    concurrency: 3 });
} else {
  groups.push({ name: 'e2e:sqlite', files: files('test', (p) => !perDialect(p) && (!localOnly(p) || p.startsWith('test/upstream/') || p.startsWith('test/ops/'))), env: { EC2API_TEST_DIALECT: 'sqlite', EC2API_TEST_BACKEND: 'local' } });
  groups.push({ name: 'unit', files: files('src'), env: {} });
  const dialects = (process.env.EC2API_TEST_DIALECTS ?? 'sqlite,mysql,postgres').split(',').map((s) => s.trim()).filter(Boolean);
  for (const dialect of dialects) {
    groups.push({ name: `store+contract+multi-process:${dialect}`, files: files('test', perDialect), env: { EC2API_TEST_DIALECT: dialect, EC2API_TEST_BACKEND: 'local' } });
  }
}

function run(group) {
  return new Promise((done) => {
    if (group.files.length === 0) return done({ ...group, ok: true, out: '', seconds: 0 });
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${group.concurrency ?? concurrency}`, '--test-reporter=spec', ...group.files], {
      cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1', ...group.env },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => done({ ...group, ok: code === 0, out, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

// Output of a group is printed whole when it ends, so groups running at once do not interleave.
const GROUPS_AT_ONCE = Number(process.env.EC2API_TEST_GROUPS ?? 2);
const results = [];
const queue = [...groups];
await Promise.all(Array.from({ length: GROUPS_AT_ONCE }, async () => {
  for (let g = queue.shift(); g; g = queue.shift()) {
    const r = await run(g);
    console.log(`\n=== ${r.name} (${r.files.length} files, ${r.seconds}s) ===\n${r.out}`);
    results.push(r);
  }
}));
console.log('\n=== summary ===');
for (const r of results) if (r.files.length) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.files.length} files, ${r.seconds}s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
