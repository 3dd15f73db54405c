/**
 * The primary of a worker cluster (node:cluster). While it migrates the store and
 * makes the first-start credentials (`prepared`), the first worker loads its code
 * on the other core and waits for the go; then it forks the other workers — each
 * serves one service on that service's shared port — replaces a worker that
 * dies (with a backoff, and gives up on one that keeps dying at start), and on
 * SIGTERM/SIGINT lets every worker drain, then exits.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/log.js';
import { serveMetricsAsks } from '../observability/cluster-metrics.js';

export type ServiceName = 'ec2' | 'metadata' | 's3';

/** The environment variable that tells a forked worker which service it serves. */
export const WORKER_SERVICE_ENV = 'EC2API_WORKER_SERVICE';
/** A worker's exit code for failures a restart cannot fix (its port is taken): the primary stops. */
export const EXIT_CANNOT_START = 78;
export const READY_MESSAGE = 'ec2api:ready';
/** Sent by a worker that listens for the go (a message sent before it listens would be lost). */
export const WAITING_MESSAGE = 'ec2api:waiting';
/** Sent to a waiting worker once the store is migrated: it may open it and serve. */
export const GO_MESSAGE = 'ec2api:go';
/** Set for workers forked after the go: they need not wait for it. */
export const WORKER_GO_ENV = 'EC2API_WORKER_GO';

/** A worker that dies before it is ready or within this time of its start "died at start". */
const STABLE_MS = 10_000;
/** Deaths at start in a row, per worker slot, at which the primary gives up. */
const MAX_EARLY_DEATHS = 5;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Any replacement waits at least this long: a Ctrl-C reaches the workers and the primary at once. */
const MIN_RESTART_DELAY_MS = 200;

interface Slot { service: ServiceName; earlyDeaths: number; timer?: NodeJS.Timeout }
interface Live { slot: Slot; worker: Worker; startedAt: number; ready: boolean; waiting: boolean }

export function runPrimary(plan: [ServiceName, number][], opts: { logger: Logger; graceSeconds: number; prepared: Promise<void> }): void {
  const { logger } = opts;
  const live = new Map<number, Live>(); // by worker id
  const slots: Slot[] = plan.flatMap(([service, n]) => Array.from({ length: n }, () => ({ service, earlyDeaths: 0 })));
  let stopping = false;
  let exitCode = 0;
  let go = false;

  const fork = (slot: Slot) => {
    slot.timer = undefined;
    const worker = cluster.fork({ [WORKER_SERVICE_ENV]: slot.service, [WORKER_GO_ENV]: go ? '1' : '' });
    const entry: Live = { slot, worker, startedAt: Date.now(), ready: false, waiting: false };
    live.set(worker.id, entry);
    worker.on('message', (m: { type?: string }) => {
      if (m?.type === WAITING_MESSAGE) {
        entry.waiting = true;
        if (go) worker.send({ type: GO_MESSAGE });
      }
      if (m?.type !== READY_MESSAGE) return;
      entry.ready = true;
      startRest();
    });
    serveMetricsAsks(worker, () => [...live.values()].filter((l) => l.ready).map((l) => l.worker), (missing) =>
      logger.warn('metrics: some workers did not answer in time', { missing }));
  };

  const finishIfDone = () => {
    if (stopping && live.size === 0) {
      logger.info('stopped', { exit_code: exitCode });
      logger.flush();
      process.exit(exitCode);
    }
  };

  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const s of slots) clearTimeout(s.timer);
    logger.info('stopping', { reason, workers: live.size });
    for (const { worker } of live.values()) worker.process.kill('SIGTERM');
    // Workers cut their connections after the grace period; this only catches a worker that hangs.
    setTimeout(() => {
      if (live.size === 0) return;
      logger.error('workers did not stop in time: killing them', { pids: [...live.values()].map((l) => l.worker.process.pid) });
      exitCode = 1;
      for (const { worker } of live.values()) worker.process.kill('SIGKILL');
    }, (opts.graceSeconds + 5) * 1000).unref();
    finishIfDone();
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = live.get(worker.id);
    live.delete(worker.id);
    if (!entry) return;
    const { slot } = entry;
    const fields = { worker_service: slot.service, worker_pid: worker.process.pid, code, signal };
    if (stopping) {
      logger.info('worker stopped', fields);
      finishIfDone();
      return;
    }
    if (code === EXIT_CANNOT_START) {
      logger.error('a worker cannot start: stopping', fields);
      stop('a worker cannot start', 1);
      return;
    }
    const early = !entry.ready || Date.now() - entry.startedAt < STABLE_MS;
    slot.earlyDeaths = early ? slot.earlyDeaths + 1 : 0;
    if (slot.earlyDeaths >= MAX_EARLY_DEATHS) {
      logger.error('a worker keeps dying at start: giving up', { ...fields, deaths: slot.earlyDeaths });
      stop('a worker keeps dying at start', 1);
      return;
    }
    const delay = early ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (slot.earlyDeaths - 1)) : MIN_RESTART_DELAY_MS;
    logger.warn('worker died: replacing it', { ...fields, early, delay_ms: delay });
    slot.timer = setTimeout(() => { if (!stopping) fork(slot); }, delay);
  });

  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  logger.info('starting workers', { workers: Object.fromEntries(plan) });
  // One worker first, the others once it listens: started all at once, they compete for the cores and the
  // first answer comes later (on 2 cores, about 4 s instead of 1). The plan lists the EC2 API first.
  let rest: Slot[] | undefined = slots.slice(1);
  const startRest = () => {
    const now = rest;
    rest = undefined;
    for (const slot of now ?? []) if (!stopping) fork(slot);
  };
  fork(slots[0]);
  opts.prepared.then(() => {
    go = true;
    for (const { worker, waiting } of live.values()) if (waiting) worker.send({ type: GO_MESSAGE });
  }, (e: unknown) => {
    logger.error('cannot prepare the store: stopping', { error: e instanceof Error ? e.message : String(e) });
    stop('cannot prepare the store', 1);
  });
}
