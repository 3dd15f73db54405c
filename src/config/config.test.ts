import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, sampleConfig } from './config.js';

test('etc/ec2api.conf.sample is the generated sample (npx ec2-api-manage config sample > etc/ec2api.conf.sample)', () => {
  assert.equal(readFileSync(new URL('../../etc/ec2api.conf.sample', import.meta.url), 'utf8'), sampleConfig());
});

test('the sample, uncommented, is a valid configuration giving the defaults', () => {
  const file = join(tmpdir(), `ec2api-sample-${process.pid}.conf`);
  writeFileSync(file, sampleConfig().replace(/^#(\w+ = )/gm, '$1'));
  const fromSample = loadConfig({ env: { EC2API_CONFIG: file }, argv: [] });
  const defaults = loadConfig({ env: {}, argv: [] });
  assert.deepEqual({ ...fromSample, source: '', warnings: [] }, { ...defaults, source: '', warnings: [] });
});

test('precedence: file < environment < flag, and errors name the option and its origin', () => {
  const file = join(tmpdir(), `ec2api-prec-${process.pid}.conf`);
  writeFileSync(file, '[DEFAULT]\nec2api_listen_port = 9001\n[database]\nmax_pool_size = 3\n');
  assert.equal(loadConfig({ env: { EC2API_CONFIG: file }, argv: [] }).DEFAULT.ec2api_listen_port, 9001);
  assert.equal(loadConfig({ env: { EC2API_CONFIG: file, EC2API_PORT: '9002' }, argv: [] }).DEFAULT.ec2api_listen_port, 9002);
  assert.equal(loadConfig({ env: { EC2API_CONFIG: file, EC2API_PORT: '9002' }, argv: ['--ec2api_listen_port=9003'] }).DEFAULT.ec2api_listen_port, 9003);
  assert.equal(loadConfig({ env: { EC2API_CONFIG: file }, argv: ['--database.max_pool_size=7'] }).database.max_pool_size, 7);
  assert.throws(() => loadConfig({ env: { EC2API_PORT: '70000' }, argv: [] }), (e) => e instanceof ConfigError && /ec2api_listen_port.*EC2API_PORT.*maximum/.test(e.message));
  assert.throws(() => loadConfig({ env: {}, argv: ['--database.max_pool_size=lots'] }), (e) => e instanceof ConfigError && /\[database\] max_pool_size.*flag/.test(e.message));
  assert.throws(() => loadConfig({ env: {}, argv: ['--no_such_option=1'] }), (e) => e instanceof ConfigError && /no_such_option/.test(e.message));
  writeFileSync(file, '[DEFAULT]\ncloud_backend = openstack\n');
  assert.throws(() => loadConfig({ env: { EC2API_CONFIG: file }, argv: [] }), (e) => e instanceof ConfigError && /\[keystone_authtoken\] auth_url/.test(e.message));
  writeFileSync(file, '[DEFAULT]\nverbose = true\n[oslo_messaging]\nx = 1\n');
  const warned = loadConfig({ env: { EC2API_CONFIG: file }, argv: [] }).warnings;
  assert.ok(warned.some((w) => /verbose/.test(w)) && warned.some((w) => /oslo_messaging/.test(w)), warned.join('\n'));
});

test('workers: default one per core, 0 means the same; environment and flags set them', async () => {
  const { availableParallelism } = await import('node:os');
  const d = loadConfig({ env: {}, argv: [] }).DEFAULT;
  assert.deepEqual([d.ec2api_workers, d.metadata_workers, d.s3_workers], Array(3).fill(availableParallelism()));
  const set = loadConfig({ env: { EC2API_WORKERS: '2', EC2API_METADATA_WORKERS: '1', EC2API_S3_WORKERS: '0' }, argv: ['--ec2api_workers=3'] }).DEFAULT;
  assert.deepEqual([set.ec2api_workers, set.metadata_workers, set.s3_workers], [3, 1, availableParallelism()]);
  assert.throws(() => loadConfig({ env: { EC2API_WORKERS: '-1' }, argv: [] }), (e) => e instanceof ConfigError && /ec2api_workers.*EC2API_WORKERS.*minimum/.test(e.message));
});
