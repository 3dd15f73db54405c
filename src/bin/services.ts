/**
 * Starts the chosen services: in this process when every one of them has one
 * worker ([DEFAULT] ec2api_workers / metadata_workers / s3_workers = 1), else as
 * a cluster whose primary migrates the store and makes the first-start
 * credentials once, then forks the workers (src/server/cluster.ts).
 * SIGTERM/SIGINT drain: no new connections, requests in flight finish, exit 0.
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { type Config, ConfigError, listenUrl, loadConfig } from '../config/config.js';
import { answerMetricsCollection, clusterMetricsText } from '../observability/cluster-metrics.js';
import { createLogger, type Level, type Logger } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import {
  EXIT_CANNOT_START, GO_MESSAGE, READY_MESSAGE, runPrimary, type ServiceName, WAITING_MESSAGE, WORKER_GO_ENV,
  WORKER_SERVICE_ENV,
} from '../server/cluster.js';
import { createEc2Server, createPlaceholderServer, drain, listen } from '../server/http.js';

export type { ServiceName };

const SERVICES: ServiceName[] = ['ec2', 'metadata', 's3'];

function workersOf(config: Config, service: ServiceName): number {
  const d = config.DEFAULT;
  return service === 'ec2' ? d.ec2api_workers : service === 'metadata' ? d.metadata_workers : d.s3_workers;
}

export async function runServices(services: ServiceName[]): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ec2-api: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const level = config.DEFAULT.log_level as Level;
  if (cluster.isWorker) {
    const service = process.env[WORKER_SERVICE_ENV] as ServiceName;
    if (!SERVICES.includes(service)) throw new Error(`${WORKER_SERVICE_ENV}=${service}: not a service`);
    const go = goFromPrimary(); // listening now: a message that arrives before a listener is lost
    return serve(config, [service], createLogger(level, { service: 'ec2-api', pid: process.pid, worker: service }), go);
  }
  const plan = services.map((s) => [s, workersOf(config, s)] as [ServiceName, number]);
  if (plan.every(([, n]) => n === 1)) return serve(config, services, createLogger(level, { service: 'ec2-api', pid: process.pid }));

  const logger = createLogger(level, { service: 'ec2-api', pid: process.pid, role: 'primary' }, undefined, { sync: true });
  for (const w of config.warnings) logger.warn(w);
  const prepared = (async () => {
    const { bootstrapFirstStart, openStore } = await import('../server/store-setup.js');
    const store = await openStore(config);
    try {
      if (services.includes('ec2')) await bootstrapFirstStart({ config, store });
    } finally {
      await store.close();
    }
  })();
  runPrimary(plan, { logger, graceSeconds: config.DEFAULT.graceful_shutdown_timeout, prepared });
}

/** In a worker: resolves when the primary has migrated the store (at once for workers forked after that). */
function goFromPrimary(): Promise<void> {
  if (process.env[WORKER_GO_ENV] === '1') return Promise.resolve();
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== GO_MESSAGE) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ type: WAITING_MESSAGE });
  });
}

/** Serves `services` in this process (a worker serves one). */
async function serve(config: Config, services: ServiceName[], logger: Logger, go?: Promise<void>): Promise<void> {
  const worker = go !== undefined;
  // Metadata and S3 answer /healthz only so far: their processes need no store, cloud or EC2 pipeline.
  // Loaded only where the EC2 API is served: the whole request path and its model are most of a process's memory.
  const appModule = services.includes('ec2') ? await import('../server/app.js') : undefined;
  await go;
  const full = appModule ? await appModule.createApp(config, { logger, migrate: !worker }) : undefined;
  const app = full ?? { logger, metrics: new Metrics(), close: async () => {} };
  if (!worker && full) await appModule?.bootstrapFirstStart(full);
  const servers: Server[] = [];
  const d = config.DEFAULT;
  if (worker) answerMetricsCollection(app.metrics.registry);
  const metricsText = worker
    ? () => clusterMetricsText().catch((e: Error) => {
        logger.warn('metrics of the other workers unavailable: serving this worker\'s', { error: e.message });
        return app.metrics.text();
      })
    : undefined;
  try {
    if (full) {
      servers.push(await listen(createEc2Server(full.pipeline, app.logger, app.metrics, metricsText), d.ec2api_listen_port, d.ec2api_listen));
      app.logger.info('listening', { service: 'ec2-api', url: listenUrl(config), backend: d.cloud_backend, config: config.source });
    }
    if (services.includes('metadata')) {
      servers.push(await listen(createPlaceholderServer('ec2-api-metadata'), d.metadata_listen_port, d.metadata_listen));
      app.logger.info('listening', { service: 'ec2-api-metadata', url: `http://${d.metadata_listen}:${d.metadata_listen_port}` });
    }
    if (services.includes('s3')) {
      servers.push(await listen(createPlaceholderServer('ec2-api-s3'), d.s3_listen_port, d.s3_listen));
      app.logger.info('listening', { service: 'ec2-api-s3', url: `http://${d.s3_listen}:${d.s3_listen_port}` });
    }
  } catch (e) {
    app.logger.error('cannot listen', { error: e instanceof Error ? e.message : String(e) });
    await app.close();
    app.logger.flush();
    process.exit(worker ? EXIT_CANNOT_START : 1);
  }
  if (worker) process.send?.({ type: READY_MESSAGE });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping', { signal });
    const drained = await drain(servers, d.graceful_shutdown_timeout * 1000);
    if (!drained) app.logger.warn('requests still in flight after graceful_shutdown_timeout: their connections were closed');
    await app.close();
    app.logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
