/**
 * Operations: the real all-in-one binary as a child process — first start,
 * health and metrics, request logs, restart and crash durability, the manage
 * CLI, and configuration errors and precedence.
 *
 * On the sqlite dialect the binary runs on its defaults (SQLite in the data
 * folder); on mysql/postgres it gets a fresh database of that dialect through
 * EC2API_DATABASE_URL, so the same checks cover every store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateKeyPairCommand, DescribeKeyPairsCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../helpers/expect.js';
import { cleanEnv, freePort, healthy, live, type Running, runToEnd, spawnNode, stop, waitReady } from '../helpers/processes.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../helpers/databases.js';


interface Ports { ec2: number; metadata: number; s3: number }


const execFileP = promisify(execFile);
const spawnAll = (env: NodeJS.ProcessEnv, args: string[] = []) => spawnNode('src/bin/ec2-api-all.ts', env, args);
const jsonLines = (text: string) =>
  text.split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

function parseCredentialsFile(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    const h = /^\[([^\]]+)\]$/.exec(line.trim());
    if (h) { section = h[1]; out[section] = {}; continue; }
    const kv = /^([a-z_]+)\s*=\s*(.*)$/.exec(line.trim());
    if (kv && section) out[section][kv[1]] = kv[2];
  }
  return out;
}

const clients: EC2Client[] = [];
function client(port: number, accessKeyId: string, secretAccessKey: string) {
  const c = new EC2Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });
  clients.push(c);
  return c;
}

const databases: TestDatabase[] = [];
/** EC2API_DATABASE_URL for a new store of the dialect under test; unset (SQLite in the data folder) on sqlite. */
async function databaseEnv(): Promise<{ EC2API_DATABASE_URL?: string }> {
  if (TEST_DIALECT === 'sqlite') return {};
  const db = await createTestDatabase();
  databases.push(db);
  return { EC2API_DATABASE_URL: db.url };
}

after(async () => {
  for (const p of live) p.kill('SIGKILL');
  for (const c of clients) c.destroy();
  for (const db of databases) await db.drop();
});

describe(`all-in-one binary (store: ${TEST_DIALECT === 'sqlite' ? 'SQLite in the data folder' : TEST_DIALECT})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-ops-'));
  const home = mkdtempSync(join(tmpdir(), 'ec2api-ops-home-'));
  let ports: Ports;
  let env: NodeJS.ProcessEnv;
  let server: Running;
  let cred: { accessKey: string; secret: string };
  let credText: string;
  const manage = (...args: string[]) => runToEnd(['src/bin/ec2-api-manage.ts', ...args], env);
  const ec2 = () => client(ports.ec2, cred.accessKey, cred.secret);

  before(async () => {
    ports = { ec2: await freePort(), metadata: await freePort(), s3: await freePort() };
    env = cleanEnv({
      EC2API_DATA_DIR: dataDir, EC2API_PORT: String(ports.ec2), EC2API_METADATA_PORT: String(ports.metadata),
      EC2API_S3_PORT: String(ports.s3), HOME: home, ...(await databaseEnv()),
      // EC2 workers as configured by default (one per core); one each for the two placeholder services, to spare the machine.
      EC2API_METADATA_WORKERS: '1', EC2API_S3_WORKERS: '1',
    });
  });

  test('first start prints credentials and writes <data>/credentials (0600, aws-cli format)', async () => {
    server = spawnAll(env);
    await waitReady(server, ports.ec2);
    const out = server.stdout();
    const key = /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)?.[1];
    assert.ok(key && secret, `credentials printed:\n${out}`);
    const file = join(dataDir, 'credentials');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    credText = readFileSync(file, 'utf8');
    const profiles = parseCredentialsFile(credText);
    assert.deepEqual(Object.keys(profiles), ['default']);
    assert.equal(profiles.default.aws_access_key_id, key);
    assert.equal(profiles.default.aws_secret_access_key, secret);
    cred = { accessKey: key, secret };
  });

  test('the printed aws-cli command works as is', async () => {
    const printed = /^\s*(AWS_SHARED_CREDENTIALS_FILE=\S+ aws --endpoint-url \S+ ec2 describe-regions)\s*$/m.exec(server.stdout())?.[1];
    assert.ok(printed, server.stdout());
    assert.ok(printed.includes(`AWS_SHARED_CREDENTIALS_FILE=${join(dataDir, 'credentials')} `));
    assert.ok(printed.includes(`http://127.0.0.1:${ports.ec2}`));
    // No other AWS configuration: an empty HOME, no AWS_* variables.
    const { stdout } = await execFileP('sh', ['-c', `${printed} --output json`], { env: cleanEnv({ HOME: home }) });
    const regions = (JSON.parse(stdout) as { Regions: { RegionName: string }[] }).Regions.map((r) => r.RegionName);
    assert.ok(regions.includes('us-east-1') && regions.includes('eu-west-1'), stdout);
  });

  test('GET /healthz → 200 on all three ports', async () => {
    for (const port of [ports.ec2, ports.metadata, ports.s3]) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200, `port ${port}`);
      await res.text();
    }
  });

  test('GET /metrics → Prometheus text with ec2api_requests_total by action', async () => {
    await ec2().send(new DescribeRegionsCommand({}));
    await expectEc2Error(ec2().send(new DescribeKeyPairsCommand({ KeyNames: ['nope'] })), 'InvalidKeyPair.NotFound');
    const res = await fetch(`http://127.0.0.1:${ports.ec2}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^# TYPE ec2api_requests_total counter$/m);
    assert.match(text, /^ec2api_requests_total\{[^}]*action="DescribeRegions"[^}]*status="200"[^}]*\} [1-9]\d*$/m);
    assert.match(text, /^ec2api_requests_total\{[^}]*action="DescribeKeyPairs"[^}]*status="400"[^}]*code="InvalidKeyPair.NotFound"[^}]*\} [1-9]\d*$/m);
    assert.match(text, /^ec2api_request_duration_seconds_count\{action="DescribeRegions"\} [1-9]\d*$/m);
  });

  test('one JSON log line per request on stdout', async () => {
    const ok = await ec2().send(new DescribeRegionsCommand({ RegionNames: ['eu-west-1'] }));
    const failed = await expectEc2Error(ec2().send(new DescribeKeyPairsCommand({ KeyNames: ['also-missing'] })), 'InvalidKeyPair.NotFound') as { $metadata?: { requestId?: string } };
    const ids = [ok.$metadata.requestId, failed.$metadata?.requestId];
    assert.ok(ids.every(Boolean), 'the server returns request ids');
    // Log lines are written after the response; give the pipe a moment.
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      lines = jsonLines(server.stdout()).filter((l) => ids.includes(l.request_id as string));
      if (lines.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(lines.length, 2, `exactly one line per request:\n${server.stdout()}`);
    const [a, b] = ids.map((id) => lines.find((l) => l.request_id === id) as Record<string, unknown>);
    assert.equal(a.action, 'DescribeRegions');
    assert.equal(a.status, 200);
    assert.equal(b.action, 'DescribeKeyPairs');
    assert.equal(b.status, 400);
    assert.equal(b.code, 'InvalidKeyPair.NotFound');
    for (const l of [a, b]) {
      assert.equal(typeof l.project, 'string');
      assert.ok((l.project as string).length > 0);
      assert.equal(typeof l.duration_ms, 'number');
      assert.ok((l.duration_ms as number) >= 0);
      assert.ok(!JSON.stringify(l).includes(cred.secret), 'the secret is never logged');
    }
    assert.equal(a.project, b.project);
    // Every request line on stdout is complete JSON with the same fields.
    const all = jsonLines(server.stdout()).filter((l) => l.msg === 'request');
    assert.ok(all.length >= 4);
    for (const l of all) for (const f of ['request_id', 'action', 'status', 'duration_ms']) assert.ok(f in l, `${f} in ${JSON.stringify(l)}`);
  });

  test('restart (SIGTERM): no new credentials, state survives', async () => {
    const created = await ec2().send(new CreateKeyPairCommand({ KeyName: 'before-restart' }));
    const exit = await stop(server, 'SIGTERM');
    assert.equal(exit.code, 0, `clean exit on SIGTERM: ${JSON.stringify(exit)}\n${server.stderr()}`);
    assert.equal(await healthy(ports.ec2), false);

    server = spawnAll(env);
    await waitReady(server, ports.ec2);
    assert.doesNotMatch(server.stdout(), /First start|AWS_SECRET_ACCESS_KEY/);
    assert.equal(readFileSync(join(dataDir, 'credentials'), 'utf8'), credText);
    const list = await manage('credentials', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { AccessKeyId: string }[]).map((c) => c.AccessKeyId), [cred.accessKey]);
    const keys = await ec2().send(new DescribeKeyPairsCommand({ KeyNames: ['before-restart'] }));
    assert.deepEqual(keys.KeyPairs?.map((k) => [k.KeyPairId, k.KeyFingerprint]), [[created.KeyPairId, created.KeyFingerprint]]);
  });

  test('kill -9, then restart: the last write before the kill is kept', async () => {
    const created = await ec2().send(new CreateKeyPairCommand({ KeyName: 'before-kill' }));
    const exit = await stop(server, 'SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');

    server = spawnAll(env);
    await waitReady(server, ports.ec2);
    assert.doesNotMatch(server.stdout(), /First start/);
    const keys = await ec2().send(new DescribeKeyPairsCommand({}));
    assert.deepEqual(keys.KeyPairs?.map((k) => [k.KeyName, k.KeyPairId]).sort(), [
      ['before-kill', created.KeyPairId], ['before-restart', keys.KeyPairs?.find((k) => k.KeyName === 'before-restart')?.KeyPairId],
    ]);
  });

  test('ec2-api-manage credentials create / list / delete against the running server', async () => {
    const made = await manage('credentials', 'create', '--project', 'ops-other', '--json');
    assert.equal(made.code, 0, made.stderr);
    const c = JSON.parse(made.stdout) as { AccessKeyId: string; SecretAccessKey: string; Project: string };
    assert.match(c.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.ok(c.SecretAccessKey.length >= 30);
    assert.equal(c.Project, 'ops-other');

    // They work, and see their own project: none of the default project's key pairs.
    const other = client(ports.ec2, c.AccessKeyId, c.SecretAccessKey);
    assert.deepEqual((await other.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? [], []);
    await expectEc2Error(other.send(new DescribeKeyPairsCommand({ KeyNames: ['before-restart'] })), 'InvalidKeyPair.NotFound');
    const otherKey = await other.send(new CreateKeyPairCommand({ KeyName: 'before-restart' }));
    const mine = await ec2().send(new DescribeKeyPairsCommand({ KeyNames: ['before-restart'] }));
    assert.notEqual(mine.KeyPairs?.[0].KeyPairId, otherKey.KeyPairId);

    const list = await manage('credentials', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { AccessKeyId: string; Project: string }[];
    assert.deepEqual(listed.find((l) => l.AccessKeyId === c.AccessKeyId)?.Project, 'ops-other');
    assert.ok(listed.some((l) => l.AccessKeyId === cred.accessKey));
    assert.ok(!list.stdout.includes(c.SecretAccessKey) && !list.stdout.includes(cred.secret), 'list does not print secrets');
    const onlyOther = await manage('credentials', 'list', '--project', 'ops-other', '--json');
    assert.deepEqual((JSON.parse(onlyOther.stdout) as { AccessKeyId: string }[]).map((l) => l.AccessKeyId), [c.AccessKeyId]);

    const del = await manage('credentials', 'delete', c.AccessKeyId);
    assert.equal(del.code, 0, del.stderr);
    const deletedAt = Date.now();
    let lastError: unknown;
    for (;;) {
      try {
        await other.send(new DescribeRegionsCommand({}));
      } catch (e) {
        lastError = e;
        break;
      }
      assert.ok(Date.now() - deletedAt < 6_000, 'a deleted credential stops working within 6 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal((lastError as { name?: string }).name, 'AuthFailure');
    assert.equal((lastError as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 401);
    // The other credentials are untouched.
    await ec2().send(new DescribeRegionsCommand({}));
    const again = await manage('credentials', 'delete', c.AccessKeyId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no credential/);
  });

  test('SIGTERM shuts every listener down', async () => {
    const exit = await stop(server, 'SIGTERM');
    assert.equal(exit.code, 0);
    for (const port of [ports.ec2, ports.metadata, ports.s3]) assert.equal(await healthy(port), false, `port ${port} closed`);
  });
});

describe('configuration', () => {
  const baseEnv = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-ops-cfg-'));
    return cleanEnv({
      EC2API_WORKERS: '1', EC2API_METADATA_WORKERS: '1', EC2API_S3_WORKERS: '1', // one process: these test the configuration
      EC2API_DATA_DIR: dataDir, EC2API_METADATA_PORT: String(await freePort()), EC2API_S3_PORT: String(await freePort()),
      ...(await databaseEnv()),
    });
  };
  const iniFile = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ec2api-ops-ini-')), 'ec2api.conf');
    writeFileSync(file, text);
    return file;
  };
  const all = (env: NodeJS.ProcessEnv, args: string[] = []) => runToEnd(['src/bin/ec2-api-all.ts', ...args], env);

  test('EC2API_PORT=notaport → exit 2 naming ec2api_listen_port', async () => {
    const r = await all({ ...(await baseEnv()), EC2API_PORT: 'notaport' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ec2api_listen_port/);
    assert.match(r.stderr, /notaport/);
    assert.match(r.stderr, /EC2API_PORT/);
  });

  test('[DEFAULT] cloud_backend = nova → exit 2 naming cloud_backend', async () => {
    const r = await all({ ...(await baseEnv()), EC2API_PORT: String(await freePort()), EC2API_CONFIG: iniFile('[DEFAULT]\ncloud_backend = nova\n') });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cloud_backend/);
    assert.match(r.stderr, /nova/);
  });

  test('EC2API_CONFIG naming a missing file → exit 2', async () => {
    const missing = join(tmpdir(), `ec2api-no-such-${process.pid}-${Date.now()}.conf`);
    const r = await all({ ...(await baseEnv()), EC2API_PORT: String(await freePort()), EC2API_CONFIG: missing });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(missing), r.stderr);
  });

  test('flags: a bad value or an unknown option → exit 2 naming it (server and manage CLI)', async () => {
    const env = await baseEnv();
    const bad = await all({ ...env, EC2API_PORT: String(await freePort()) }, ['--ec2api_listen_port=99999']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /ec2api_listen_port.*flag/);
    const unknown = await all({ ...env, EC2API_PORT: String(await freePort()) }, ['--ec2api_listen_prt=1']);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /ec2api_listen_prt/);
    const check = await runToEnd(['src/bin/ec2-api-manage.ts', 'config', 'check', '--ec2api_listen_port=notaport'], env);
    assert.equal(check.code, 2, check.stderr);
    assert.match(check.stderr, /ec2api_listen_port/);
  });

  test('port: INI file, overridden by EC2API_PORT, overridden by a flag', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const file = iniFile(`[DEFAULT]\nec2api_listen_port = ${p1}\n`);
    const cases: { env: Record<string, string>; args: string[]; expect: number }[] = [
      { env: { EC2API_CONFIG: file }, args: [], expect: p1 },
      { env: { EC2API_CONFIG: file, EC2API_PORT: String(p2) }, args: [], expect: p2 },
      { env: { EC2API_CONFIG: file, EC2API_PORT: String(p2) }, args: [`--ec2api_listen_port=${p3}`], expect: p3 },
    ];
    for (const c of cases) {
      const r = spawnAll({ ...(await baseEnv()), ...c.env }, c.args);
      try {
        await waitReady(r, c.expect);
        for (const other of [p1, p2, p3].filter((p) => p !== c.expect)) assert.equal(await healthy(other), false, `nothing on ${other}`);
        const listening = jsonLines(r.stdout()).find((l) => l.msg === 'listening' && l.service === 'ec2-api');
        assert.equal(listening?.url, `http://127.0.0.1:${c.expect}`);
      } finally {
        await stop(r);
      }
    }
  });
});
