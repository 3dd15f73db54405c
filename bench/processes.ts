/** Spawning and stopping what the bench measures: the service (built dist, as `npm start` runs it) and the ceiling server. */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export interface Spawned {
  child: ChildProcess;
  pid: number;
  endpoint: string;
}

export const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

export interface ServiceOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** EC2, metadata and S3 ports; free ones when not given. */
  ports?: number[];
}

export const freePorts = async (): Promise<number[]> => [await freePort(), await freePort(), await freePort()];

/** Starts `node dist/bundle/ec2-api-all.js` on free ports; does not wait for it. */
export async function spawnService(o: ServiceOptions): Promise<Spawned> {
  const [port, mport, sport] = o.ports ?? await freePorts();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), join(root, 'dist/bundle/ec2-api-all.js')], {
    env: {
      ...process.env, EC2API_DATA_DIR: o.dataDir, EC2API_PORT: String(port), EC2API_METADATA_PORT: String(mport),
      EC2API_S3_PORT: String(sport), EC2API_LOG_LEVEL: 'warn', ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume(); // request logs (at --log-level info) and the first-start banner
  return { child, pid: child.pid!, endpoint: `http://127.0.0.1:${port}` };
}

/** Starts the static ceiling server (bench/ceiling.mjs) answering `documentFile`. */
export async function spawnCeiling(documentFile: string): Promise<Spawned> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'bench/ceiling.mjs'), String(port), documentFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const s = { child, pid: child.pid!, endpoint: `http://127.0.0.1:${port}` };
  await waitUntil(async () => (await send(s.endpoint, { method: 'GET', path: '/', headers: {} })).status === 200, child, 20_000);
  return s;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** One request over a fresh connection (node:http: nothing to warm up, unlike fetch). */
export function send(endpoint: string, r: RawRequest): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${r.path}`, { method: r.method, headers: r.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Polls `ready` every `intervalMs` until it holds; fails if the process exits or the time runs out. */
export async function waitUntil(ready: () => Promise<boolean>, child: ChildProcess, timeoutMs: number, intervalMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process ${child.pid} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      if (await ready()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`process ${child.pid} not ready after ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if it has not exited in time; resolves once it has exited. */
export function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
