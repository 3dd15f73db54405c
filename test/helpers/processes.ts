/** The service's binaries as child processes: spawn, wait for health, stop, run to the end. */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
export const ROOT = new URL('../..', import.meta.url).pathname;
/** A ceiling, not a measure: the all-in-one starts a worker per core per service, all at once, on a 2-core machine shared by parallel test files. */
export const START_TIMEOUT_MS = 90_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The parent's environment without anything that would configure the service or the AWS tools behind the test's back. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('EC2API_') && !k.startsWith('AWS_')) env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export interface Running {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every process spawned and not yet exited, for after() hooks. */
export const live = new Set<ChildProcess>();

/** Starts `node --import tsx …nodeArgs <script> …args` from the project root, collecting its output. */
export function spawnNode(script: string, env: NodeJS.ProcessEnv, args: string[] = [], nodeArgs: string[] = []): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  proc.stderr?.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': stdout may still hold the last lines when the process has exited.
    proc.on('close', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
  });
  return { proc, stdout: () => out, stderr: () => err, exited };
}

export async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Waits until the process answers /healthz on `port` (or fails the test when it dies first). */
export async function waitReady(r: Running, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: unknown;
  void r.exited.then((e) => { exit = e; });
  while (Date.now() < deadline) {
    if (exit) assert.fail(`server on ${port} exited early ${JSON.stringify(exit)}\nstdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`);
    if (await healthy(port)) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`server not ready on ${port}\nstdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`);
}

export async function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM') {
  r.proc.kill(signal);
  return r.exited;
}

/** Runs `node --import tsx …args` to completion (config errors, the manage CLI). */
export async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, timeout: START_TIMEOUT_MS });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}
