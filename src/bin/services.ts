/** Starts the listeners of the chosen services and shuts them down cleanly on SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import { type Config, ConfigError, listenUrl, loadConfig } from '../config/config.js';
import { bootstrapFirstStart, createApp } from '../server/app.js';
import { createEc2Server, createPlaceholderServer, listen } from '../server/http.js';

export type ServiceName = 'ec2' | 'metadata' | 's3';

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
  const app = await createApp(config);
  if (services.includes('ec2')) await bootstrapFirstStart(app);
  const servers: Server[] = [];
  const d = config.DEFAULT;
  try {
    if (services.includes('ec2')) {
      servers.push(await listen(createEc2Server(app.pipeline, app.logger, app.metrics), d.ec2api_listen_port, d.ec2api_listen));
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
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping', { signal });
    await Promise.all(servers.map((s) => new Promise((r) => { s.close(r); s.closeIdleConnections(); })));
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
