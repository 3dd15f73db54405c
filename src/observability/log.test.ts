/** The logger's line format and API, through the sink the tests use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './log.js';

test('one JSON line per entry: time, level, bindings, msg and fields; levels below the minimum dropped', () => {
  const lines: string[] = [];
  const log = createLogger('info', { service: 'ec2-api' }, (l) => lines.push(l));
  log.debug('hidden');
  log.info('request', { request_id: 'r1', status: 200 });
  log.child({ component: 'openstack' }).warn('upstream error', { status: 503 });
  log.error('plain');
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  const [a, b, c] = lines.map((l) => JSON.parse(l));
  assert.match(a.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual({ ...a, time: undefined }, { time: undefined, level: 'info', service: 'ec2-api', msg: 'request', request_id: 'r1', status: 200 });
  assert.deepEqual({ ...b, time: undefined }, { time: undefined, level: 'warn', service: 'ec2-api', component: 'openstack', msg: 'upstream error', status: 503 });
  assert.equal(c.level, 'error');
  assert.equal(c.msg, 'plain');
});

test('debug level lets debug entries through', () => {
  const lines: string[] = [];
  createLogger('debug', {}, (l) => lines.push(l)).debug('d');
  assert.equal(JSON.parse(lines[0]).level, 'debug');
});
