/**
 * Several `ec2-api` processes on ONE database, as operators run them behind a
 * load balancer: concurrent migrations and first start on an empty store, then
 * racing writes spread over the processes, credential revocation seen by all of
 * them, and a process killed (-9) in the middle of a burst of writes. Then the
 * all-in-one as a cluster of workers ([DEFAULT] ec2api_workers): requests served
 * by every worker, one worker killed and replaced, credential revocation seen by
 * every worker, and the drain on SIGTERM.
 *
 * On mysql/postgres the processes share a fresh database of that dialect; on
 * sqlite they share one SQLite file (WAL), as a developer might run them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyPairCommand, CreateTagsCommand, DescribeKeyPairsCommand, DescribeRegionsCommand, DescribeTagsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { type Kysely, sql } from 'kysely';
import type { LocalCloudDatabase } from '../../src/cloud/local/schema.js';
import { openDb, type StoreDb } from '../../src/store/db.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { cleanEnv, freePort, healthy, live, type Running, runToEnd, spawnNode, waitReady } from '../helpers/processes.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../helpers/databases.js';

const spawnApi = (env: NodeJS.ProcessEnv, args: string[] = []) => spawnNode('src/bin/ec2-api.ts', env, args);
const N = 3;


/** Log lines at warn/error level, and anything on stderr: a healthy process has none. */
function problems(r: Running): string[] {
  const bad = r.stdout().split('\n').filter((l) => /"level":"(error|warn)"/.test(l));
  if (r.stderr().trim()) bad.push(`stderr: ${r.stderr().trim()}`);
  return bad;
}

const errorName = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { name?: string }).name : undefined);
const describeErrors = (rs: PromiseSettledResult<unknown>[]) =>
  rs.filter((r) => r.status === 'rejected').map((r) => `${errorName(r)}: ${(r as PromiseRejectedResult).reason?.message}`).join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`${N} ec2-api processes on one ${TEST_DIALECT === 'sqlite' ? 'SQLite file (WAL)' : `${TEST_DIALECT} database`}`, () => {
  let database: TestDatabase;
  let store: StoreDb;
  const servers: Running[] = [];
  const envs: NodeJS.ProcessEnv[] = [];
  const ports: number[] = [];
  const dataDirs: string[] = [];
  const clients: EC2Client[] = [];
  let manageEnv: NodeJS.ProcessEnv;
  let cred: { AccessKeyId: string; SecretAccessKey: string; ProjectId: string };
  /** An SDK client of process i (default: the test project's credentials). */
  const ec2 = (i: number, c: { AccessKeyId: string; SecretAccessKey: string } = cred) => {
    const client = new EC2Client({
      endpoint: `http://127.0.0.1:${ports[i]}`, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey },
    });
    clients.push(client);
    return client;
  };
  const manage = (...args: string[]) => runToEnd(['src/bin/ec2-api-manage.ts', ...args], manageEnv);
  /** DescribeKeyPairs on every process at once: name → id per process. */
  const listEverywhere = () => Promise.all(servers.map(async (_, i) => {
    const { KeyPairs = [] } = await ec2(i).send(new DescribeKeyPairsCommand({}));
    return KeyPairs.map((k) => [k.KeyName as string, k.KeyPairId as string] as const);
  }));

  before(async () => {
    database = await createTestDatabase();
    store = openDb(database.url, 2);
    manageEnv = cleanEnv({ EC2API_DATABASE_URL: database.url, EC2API_DATA_DIR: mkdtempSync(join(tmpdir(), 'ec2api-mp-manage-')) });
    for (let i = 0; i < N; i++) {
      dataDirs.push(mkdtempSync(join(tmpdir(), `ec2api-mp-${i}-`)));
      ports.push(await freePort());
      // One process each (no workers): the worker cluster has its own tests below.
      envs.push(cleanEnv({
        EC2API_WORKERS: '1',
        EC2API_DATABASE_URL: database.url, EC2API_DATA_DIR: dataDirs[i], EC2API_PORT: String(ports[i]),
        EC2API_METADATA_PORT: String(await freePort()), EC2API_S3_PORT: String(await freePort()),
      }));
    }
  });

  after(async () => {
    for (const c of clients) c.destroy();
    // SIGTERM, then wait; whatever does not stop in time is killed.
    await Promise.all([...live].map(async (p) => {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }));
    await store?.db.destroy();
    await database?.drop();
  });

  test('three processes started at once on an empty database: all healthy, one schema, one first start', async () => {
    for (let i = 0; i < N; i++) servers.push(spawnApi(envs[i]));
    await Promise.all(servers.map((s, i) => waitReady(s, ports[i])));
    for (const [i, s] of servers.entries()) assert.deepEqual(problems(s), [], `process ${i} reports no error`);

    const { rows: applied } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(store.db);
    assert.deepEqual(applied.map((r) => r.name), Object.keys(await migrationProvider(TEST_DIALECT).getMigrations()).sort(), 'every migration recorded once');
    const projects = await store.db.selectFrom('projects').select(['id', 'name']).execute();
    assert.deepEqual(projects.map((p) => p.name), ['default'], 'one default project');
    const creds = await store.db.selectFrom('credentials').select(['access_key', 'project_id']).execute();
    assert.deepEqual(creds.map((c) => c.project_id), [projects[0].id], 'one first-start credential');
    const firstStarts = servers.filter((s) => /First start/.test(s.stdout()));
    assert.equal(firstStarts.length, 1, 'one process announces the first start');
    // Every process saved that one credential in its data folder.
    for (const dir of dataDirs) assert.match(readFileSync(join(dir, 'credentials'), 'utf8'), new RegExp(`aws_access_key_id = ${creds[0].access_key}\n`));

    const made = await manage('credentials', 'create', '--project', 'p', '--json');
    assert.equal(made.code, 0, made.stderr);
    cred = JSON.parse(made.stdout);
    for (let i = 0; i < N; i++) await ec2(i).send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] }));
  });

  let dupId: string;
  test('30 CreateKeyPair of one name over the three processes: one succeeds, the rest InvalidKeyPair.Duplicate', async () => {
    const cs = servers.map((_, i) => ec2(i));
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) =>
      cs[i % N].send(new CreateKeyPairCommand({ KeyName: 'shared-name', KeyType: 'ed25519' }))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, describeErrors(results));
    assert.deepEqual([...new Set(results.filter((r) => r.status === 'rejected').map(errorName))], ['InvalidKeyPair.Duplicate'], describeErrors(results));
    dupId = (ok[0] as PromiseFulfilledResult<{ KeyPairId?: string }>).value.KeyPairId as string;
    for (const listed of await listEverywhere()) assert.deepEqual(listed, [['shared-name', dupId]]);
  });

  test('60 CreateKeyPair of distinct names over the three processes: 60 ids, listed alike by every process', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `distinct-${String(i).padStart(2, '0')}`);
    const cs = servers.map((_, i) => ec2(i));
    const results = await Promise.allSettled(names.map((KeyName, i) => cs[i % N].send(new CreateKeyPairCommand({ KeyName, KeyType: 'ed25519' }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 60, describeErrors(results));
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ KeyPairId?: string }>).value.KeyPairId as string);
    assert.equal(new Set(ids).size, 60);
    const expected = [['shared-name', dupId], ...names.map((n, i) => [n, ids[i]])].sort(([a], [b]) => a.localeCompare(b));
    for (const listed of await listEverywhere()) assert.deepEqual(listed, expected);
  });

  test('CreateTags of 20 keys each from the three processes at once: all or nothing per call, ≤ 50 tags, all agree', async () => {
    const batches = servers.map((_, i) => Array.from({ length: 20 }, (_, j) => ({ Key: `p${i}-k${j}`, Value: `v${i}` })));
    const results = await Promise.allSettled(batches.map((Tags, i) => ec2(i).send(new CreateTagsCommand({ Resources: [dupId], Tags }))));
    for (const r of results) if (r.status === 'rejected') assert.equal(errorName(r), 'TagLimitExceeded', describeErrors(results));
    const applied = results.flatMap((r, i) => (r.status === 'fulfilled' ? batches[i] : []));
    assert.equal(applied.length, 40, `two calls fit under the limit, the third does not: ${describeErrors(results)}`);
    const views = await Promise.all(servers.map(async (_, i) => {
      const { Tags = [] } = await ec2(i).send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [dupId] }] }));
      return Tags.map((t) => ({ Key: t.Key, Value: t.Value }));
    }));
    const sorted = [...applied].sort((a, b) => a.Key.localeCompare(b.Key));
    for (const v of views) assert.deepEqual([...v].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? '')), sorted);
    assert.ok(views[0].length <= 50);
  });

  test('a credential deleted with ec2-api-manage stops working on every process within 6 s', async () => {
    const made = await manage('credentials', 'create', '--project', 'p', '--json');
    assert.equal(made.code, 0, made.stderr);
    const doomed = JSON.parse(made.stdout) as typeof cred;
    const cs = servers.map((_, i) => ec2(i, doomed));
    for (const c of cs) await c.send(new DescribeRegionsCommand({})); // cached by every process now
    const del = await manage('credentials', 'delete', doomed.AccessKeyId);
    assert.equal(del.code, 0, del.stderr);
    const deletedAt = Date.now();
    await Promise.all(cs.map(async (c, i) => {
      for (;;) {
        try {
          await c.send(new DescribeRegionsCommand({}));
        } catch (e) {
          assert.equal((e as { name?: string }).name, 'AuthFailure', `process ${i}: ${e}`);
          return;
        }
        assert.ok(Date.now() - deletedAt < 6_000, `process ${i} still accepts the deleted credential after 6 s`);
        await sleep(200);
      }
    }));
    assert.ok(Date.now() - deletedAt < 6_000);
    // The other credential still works everywhere.
    for (let i = 0; i < N; i++) await ec2(i).send(new DescribeRegionsCommand({}));
  });

  test('kill -9 of a process in a burst of CreateKeyPair, then restart: one id per key pair on every process', async () => {
    const victim = 0;
    const c = ec2(victim);
    // Eight callers in a row of CreateKeyPair (some RSA, slower to generate), killed once 20 are answered:
    // the calls in flight then are at any stage, before, in or after their writes.
    const names = Array.from({ length: 80 }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    const succeeded = new Map<string, string>();
    const failed: unknown[] = [];
    let next = 0;
    let killed = false;
    const caller = async () => {
      while (next < names.length && !killed) {
        const KeyName = names[next++];
        try {
          succeeded.set(KeyName, (await c.send(new CreateKeyPairCommand({ KeyName, KeyType: next % 4 ? 'ed25519' : 'rsa' }))).KeyPairId as string);
        } catch (e) {
          failed.push(e);
        }
      }
    };
    const callers = Array.from({ length: 8 }, caller);
    const deadline = Date.now() + 60_000; // a bound, not a pace: the wait ends at 20 answers
    while (succeeded.size < 20 && Date.now() < deadline) await sleep(2);
    servers[victim].proc.kill('SIGKILL');
    killed = true;
    assert.equal((await servers[victim].exited).signal, 'SIGKILL');
    await Promise.all(callers);
    assert.ok(succeeded.size >= 20 && failed.length > 0, `the kill fell in the middle of the burst (${succeeded.size} answered, ${failed.length} cut off)`);
    // Cut off calls fail on the connection, never with an error from the service.
    for (const e of failed) assert.equal((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, undefined, String(e));

    servers[victim] = spawnApi(envs[victim]);
    await waitReady(servers[victim], ports[victim]);
    assert.doesNotMatch(servers[victim].stdout(), /First start/);

    // What the cloud has: every key pair of the project in local_key_pairs.
    const inCloud = (await (store.db as unknown as Kysely<LocalCloudDatabase>).selectFrom('local_key_pairs').select('name')
      .where('project_id', '=', cred.ProjectId).where('region', '=', 'us-east-1').execute()).map((r) => r.name).sort();
    for (const name of succeeded.keys()) assert.ok(inCloud.includes(name), `${name} was created`);
    // Twice, all processes at once: the first listing may map keys the killed process left unmapped.
    for (let round = 0; round < 2; round++) {
      const views = await listEverywhere();
      for (const [i, listed] of views.entries()) {
        assert.deepEqual(listed.map(([n]) => n).sort(), inCloud, `process ${i} lists every key pair of the cloud, once`);
        assert.deepEqual(listed, views[0], `process ${i} shows the same ids`);
        for (const [name, id] of listed) if (succeeded.has(name)) assert.equal(id, succeeded.get(name), `${name}: the id CreateKeyPair returned`);
      }
    }
    const mappings = await store.db.selectFrom('resources').select(['id', 'os_id'])
      .where('project_id', '=', cred.ProjectId).where('kind', '=', 'key-pair').execute();
    assert.deepEqual(mappings.map((m) => m.os_id).sort(), inCloud, 'one mapping per key pair, none left over');
    for (const [i, s] of servers.entries()) assert.deepEqual(problems(s), [], `process ${i} reports no error`);
  });

  test('SIGTERM stops every process cleanly', async () => {
    for (const c of clients.splice(0)) c.destroy();
    const exits = await Promise.all(servers.map((s) => { s.proc.kill('SIGTERM'); return s.exited; }));
    for (const [i, e] of exits.entries()) assert.equal(e.code, 0, `process ${i}: ${JSON.stringify(e)}\n${servers[i].stderr()}`);
  });
});

const jsonLines = (text: string) => text.split('\n').flatMap((l) => {
  if (!l.startsWith('{')) return [];
  try {
    return [JSON.parse(l) as Record<string, unknown>];
  } catch {
    return [];
  }
});

/** Retries `check` until it returns a value (not undefined); fails the test after `ms`. */
async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `${what} within ${ms / 1000} s`);
    await sleep(50);
  }
}

describe(`the all-in-one with ec2api_workers=2 on one ${TEST_DIALECT === 'sqlite' ? 'SQLite file' : `${TEST_DIALECT} database`}`, () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let server: Running;
  let cred: { AccessKeyId: string; SecretAccessKey: string };
  const clients: EC2Client[] = [];
  /** A new client (new connections) with `c`'s credentials. */
  const ec2 = (c = cred) => {
    const client = new EC2Client({
      endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey },
    });
    clients.push(client);
    return client;
  };
  const manage = (...args: string[]) => runToEnd(['src/bin/ec2-api-manage.ts', ...args], env);
  const logs = () => jsonLines(server.stdout());
  /** Pids of the EC2 workers that have started listening and not died, in order. */
  const ec2Workers = () => {
    const all = logs();
    const dead = all.filter((l) => l.msg === 'worker died: replacing it').map((l) => l.worker_pid);
    return all.filter((l) => l.msg === 'listening' && l.worker === 'ec2' && !dead.includes(l.pid)).map((l) => l.pid as number);
  };
  /** The pid that logged each request id (undefined until every line is written). */
  const servedBy = (ids: string[]) => {
    const byId = new Map(logs().filter((l) => l.msg === 'request').map((l) => [l.request_id as string, l.pid as number]));
    const pids = ids.map((id) => byId.get(id));
    return pids.every((p) => p !== undefined) ? pids as number[] : undefined;
  };
  /** `n` DescribeRegions at once, each on its own connection: the request ids of the answers and the error names. */
  const burst = async (n: number, c = cred) => {
    const results = await Promise.allSettled(Array.from({ length: n }, () => ec2(c).send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] }))));
    return results.map((r) => r.status === 'fulfilled'
      ? { id: r.value.$metadata.requestId as string, error: undefined }
      : { id: (r.reason as { $metadata?: { requestId?: string } }).$metadata?.requestId as string, error: (r.reason as Error).name });
  };

  before(async () => {
    database = await createTestDatabase();
    port = await freePort();
    env = cleanEnv({
      EC2API_DATABASE_URL: database.url, EC2API_DATA_DIR: mkdtempSync(join(tmpdir(), 'ec2api-workers-')),
      EC2API_PORT: String(port), EC2API_METADATA_PORT: String(await freePort()), EC2API_S3_PORT: String(await freePort()),
      EC2API_WORKERS: '2', EC2API_METADATA_WORKERS: '1', EC2API_S3_WORKERS: '1',
    });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    if (server && live.has(server.proc)) {
      server.proc.kill('SIGTERM');
      const timer = setTimeout(() => server.proc.kill('SIGKILL'), 40_000);
      await server.exited;
      clearTimeout(timer);
    }
    await database?.drop();
  });

  test('the primary migrates and makes the first-start credentials once, then two EC2 workers answer, each some of a burst', async () => {
    server = spawnNode('src/bin/ec2-api-all.ts', env);
    // Four tsx processes start at once on a small machine: allow them time.
    await eventually('two EC2 workers listening', () => (ec2Workers().length === 2 ? true : undefined), 120_000);
    await waitReady(server, port);
    assert.equal(server.stdout().match(/First start/g)?.length, 1, server.stdout());
    const primary = logs().find((l) => l.msg === 'starting workers');
    assert.deepEqual(primary?.workers, { ec2: 2, metadata: 1, s3: 1 });
    assert.equal(primary?.pid, server.proc.pid);

    const made = await manage('credentials', 'create', '--project', 'w', '--json');
    assert.equal(made.code, 0, made.stderr);
    cred = JSON.parse(made.stdout);
    const answers = await burst(16);
    assert.deepEqual(answers.filter((a) => a.error), []);
    const pids = await eventually('a log line per request', () => servedBy(answers.map((a) => a.id)));
    assert.deepEqual([...new Set(pids)].sort(), [...ec2Workers()].sort(), 'both workers served requests, nothing else did');

    // /metrics on any worker counts the requests of all of them.
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /^ec2api_requests_total\{[^}]*action="DescribeRegions"[^}]*status="200"[^}]*\} 16$/m, text);
  });

  test('a credential deleted with ec2-api-manage stops working on every worker', async () => {
    const made = await manage('credentials', 'create', '--project', 'w', '--json');
    assert.equal(made.code, 0, made.stderr);
    const doomed = JSON.parse(made.stdout) as typeof cred;
    // Until both workers have answered (and so cached) it.
    await eventually('both workers served the credential', async () => {
      const answers = await burst(6, doomed);
      assert.deepEqual(answers.filter((a) => a.error), []);
      const pids = await eventually('log lines', () => servedBy(answers.map((a) => a.id)));
      return new Set(pids).size === 2 ? true : undefined;
    });
    const del = await manage('credentials', 'delete', doomed.AccessKeyId);
    assert.equal(del.code, 0, del.stderr);
    // Refused by both workers: a burst whose every request fails, spread over both pids.
    await eventually('AuthFailure from both workers', async () => {
      const answers = await burst(6, doomed);
      if (answers.some((a) => !a.error)) return undefined;
      assert.deepEqual([...new Set(answers.map((a) => a.error))], ['AuthFailure']);
      const pids = await eventually('log lines', () => servedBy(answers.map((a) => a.id)));
      return new Set(pids).size === 2 ? true : undefined;
    }, 10_000);
    assert.deepEqual((await burst(4)).filter((a) => a.error), [], 'the other credential still works');
  });

  test('a worker killed with SIGKILL is replaced; the service goes on', async () => {
    const [victim, survivor] = ec2Workers();
    process.kill(victim, 'SIGKILL');
    await eventually('the primary replaces it', () => logs().find((l) => l.msg === 'worker died: replacing it' && l.worker_pid === victim));
    for (let i = 0; i < 4; i++) assert.deepEqual((await burst(2)).filter((a) => a.error), [], 'answered meanwhile');
    const replacement = await eventually('a new EC2 worker listening', () => ec2Workers().find((p) => p !== survivor), 120_000);
    await eventually('requests reach the new worker', async () => {
      const answers = await burst(8);
      assert.deepEqual(answers.filter((a) => a.error), []);
      const pids = await eventually('log lines', () => servedBy(answers.map((a) => a.id)));
      return pids.includes(replacement) ? true : undefined;
    });
    const died = logs().find((l) => l.msg === 'worker died: replacing it');
    assert.equal(died?.signal, 'SIGKILL');
    assert.equal(died?.level, 'warn');
  });

  test('SIGTERM drains: the listener closes, a request in flight is answered, then every process exits 0', async () => {
    for (const c of clients.splice(0)) c.destroy();
    // A signed request whose body is still arriving when the drain starts.
    const body = 'Action=DescribeRegions&Version=2016-11-15&RegionName.1=us-east-1';
    const signer = new SignatureV4({ service: 'ec2', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId: cred.AccessKeyId, secretAccessKey: cred.SecretAccessKey } });
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', query: {}, body,
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(body.length) },
    });
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (c: Buffer) => { response += c.toString(); });
    const closed = new Promise((r) => socket.once('close', r));
    // With Expect: 100-continue, the 100 answer says a worker holds the request (its 'request' event has fired).
    socket.write(`POST / HTTP/1.1\r\n${Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nexpect: 100-continue\r\n\r\n`);
    await eventually('100 Continue', () => (/^HTTP\/1\.1 100 Continue\r\n\r\n$/.test(response) ? true : undefined));
    response = '';
    const pids = ec2Workers();
    server.proc.kill('SIGTERM');
    await eventually('the workers start draining', () => {
      const stopping = logs().filter((l) => l.msg === 'stopping' && l.worker === 'ec2').map((l) => l.pid);
      return pids.every((p) => stopping.includes(p)) ? true : undefined;
    });
    await eventually('the port refuses new connections', async () => ((await healthy(port)) ? undefined : true));
    assert.equal(response, '', 'nothing answered yet');
    assert.ok(live.has(server.proc), 'the primary waits for the request');
    socket.write(body);
    await closed;
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(response, /<regionName>us-east-1<\/regionName>/);
    const exit = await server.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
    const stopped = logs().filter((l) => l.msg === 'worker stopped');
    assert.equal(stopped.length, 4, JSON.stringify(stopped));
    for (const l of stopped) assert.equal(l.code, 0, JSON.stringify(l));
    assert.equal(logs().at(-1)?.msg, 'stopped');
  });
});
