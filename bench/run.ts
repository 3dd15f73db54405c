/**
 * npm run bench — requests/s and p50/p99 latency of a few actions at
 * concurrency 16 against a running server, plus the server's resident memory.
 *   npm run bench                 starts the all-in-one on the embedded cloud (fresh data dir)
 *   npm run bench -- --openstack  starts it on the test cloud (.testcloud/ec2api.conf, profile demo)
 *                                 and reports upstream HTTP calls per EC2 request from /metrics
 * Figures go into notes, never into test assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyPairCommand, CreateTagsCommand, DescribeAvailabilityZonesCommand, DescribeKeyPairsCommand,
  DescribeRegionsCommand, DescribeTagsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import ini from 'ini';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const openstack = process.argv.includes('--openstack');
const root = new URL('..', import.meta.url).pathname;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; endpoint: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-bench-'));
  const [port, mport, sport] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/bin/ec2-api-all.ts')], {
    env: { ...process.env, EC2API_DATA_DIR: dataDir, EC2API_PORT: String(port), EC2API_METADATA_PORT: String(mport), EC2API_S3_PORT: String(sport), EC2API_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) { // workers start in parallel: allow a loaded machine two minutes
    try {
      if ((await fetch(`${endpoint}/healthz`)).ok) return { child, endpoint, dataDir };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

/** Resident memory of the server: the process and its workers. */
function rssMb(pid: number): number {
  const kb = (p: number): number => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    return (m ? Number(m[1]) : 0) + children.reduce((a, c) => a + kb(c), 0);
  };
  return Math.round(kb(pid) / 1024);
}

async function upstreamCalls(endpoint: string): Promise<{ upstream: number; requests: number }> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  return { upstream: sum('ec2api_upstream_requests_total'), requests: sum('ec2api_requests_total') };
}

async function measure(name: string, client: EC2Client, call: () => Promise<unknown>, endpoint: string) {
  for (let i = 0; i < 20; i++) await call(); // warm-up
  const before = await upstreamCalls(endpoint);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try { await call(); } catch { errors++; }
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const after = await upstreamCalls(endpoint);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  const perReq = (after.upstream - before.upstream) / Math.max(1, after.requests - before.requests);
  console.log(`${name.padEnd(28)} ${(latencies.length / elapsed).toFixed(0).padStart(6)} req/s   p50 ${q(0.5).padStart(6)} ms   p99 ${q(0.99).padStart(6)} ms   errors ${errors}${openstack ? `   upstream calls/request ${perReq.toFixed(2)}` : ''}`);
  void client;
}

async function main() {
  let env: Record<string, string> = {};
  let credentials: { accessKeyId: string; secretAccessKey: string };
  let region = 'us-east-1';
  if (openstack) {
    const dir = process.env.EC2API_TESTCLOUD_DIR ?? join(root, '.testcloud');
    env = { EC2API_CONFIG: join(dir, 'ec2api.conf') };
    const creds = ini.parse(readFileSync(join(dir, 'credentials'), 'utf8')).demo;
    credentials = { accessKeyId: creds.aws_access_key_id, secretAccessKey: creds.aws_secret_access_key };
    region = ini.parse(readFileSync(join(dir, 'ec2api.conf'), 'utf8')).DEFAULT?.region_name ?? 'RegionOne';
  }
  const { child, endpoint, dataDir } = await startServer(env);
  try {
    if (!openstack) {
      const creds = ini.parse(readFileSync(join(dataDir, 'credentials'), 'utf8')).default;
      credentials = { accessKeyId: creds.aws_access_key_id, secretAccessKey: creds.aws_secret_access_key };
    }
    const client = new EC2Client({ endpoint, region, credentials: credentials!, maxAttempts: 1 });
    // A realistic little project: 20 key pairs with 3 tags each.
    const tag = `bench-${Date.now()}`;
    for (let i = 0; i < 20; i++) {
      const k = await client.send(new CreateKeyPairCommand({ KeyName: `${tag}-${i}`, KeyType: 'ed25519' }));
      await client.send(new CreateTagsCommand({ Resources: [k.KeyPairId!], Tags: [{ Key: 'env', Value: 'bench' }, { Key: 'n', Value: String(i) }, { Key: 'owner', Value: 'bench' }] }));
    }
    console.log(`ec2-api bench: ${openstack ? 'OpenStack test cloud' : 'embedded cloud (SQLite)'}, concurrency ${CONCURRENCY}, ${SECONDS}s per action, 20 key pairs × 3 tags, EC2 workers: ${process.env.EC2API_WORKERS ?? 'one per core'}`);
    if (!openstack) await measure('DescribeRegions', client, () => client.send(new DescribeRegionsCommand({})), endpoint);
    await measure('DescribeKeyPairs', client, () => client.send(new DescribeKeyPairsCommand({})), endpoint);
    if (!openstack) await measure('DescribeTags', client, () => client.send(new DescribeTagsCommand({})), endpoint);
    await measure('DescribeAvailabilityZones', client, () => client.send(new DescribeAvailabilityZonesCommand({})), endpoint);
    console.log(`server resident memory: ${rssMb(child.pid!)} MB`);
    if (openstack) {
      const { DeleteKeyPairCommand } = await import('@aws-sdk/client-ec2');
      for (let i = 0; i < 20; i++) await client.send(new DeleteKeyPairCommand({ KeyName: `${tag}-${i}` }));
    }
    client.destroy();
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
