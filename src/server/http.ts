/** node:http adapters: the EC2 API listener and the small listeners of the other two services. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IncomingRequest } from '../auth/types.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Ec2Pipeline } from './pipeline.js';

/** Collects the EC2 parameters: the query string, then (POST) the form body. */
export function requestParams(rawQuery: string, contentType: string | undefined, body: Buffer, method: string): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(new URLSearchParams(rawQuery));
  if (method === 'POST' && body.length > 0 && (!contentType || contentType.startsWith('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
  }
  return params;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

export function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** `metricsText`: what /metrics answers (in a worker: every worker's metrics, through the primary). */
export function createEc2Server(pipeline: Ec2Pipeline, logger: Logger, metrics: Metrics, metricsText = () => metrics.text()): Server {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    try {
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metricsText());
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request body too large\n');
        return;
      }
      const headers = headersOf(req);
      const incoming: IncomingRequest = {
        method: req.method ?? 'GET', path, rawQuery, headers, body,
        params: requestParams(rawQuery, headers['content-type'], body, req.method ?? 'GET'),
      };
      const out = await pipeline.handle(incoming);
      res.writeHead(out.status, out.headers).end(out.body);
      out.log.method = req.method;
      out.log.remote = req.socket.remoteAddress;
      logger.info('request', out.log);
    } catch (e) {
      logger.error('http adapter failure', { error: e instanceof Error ? e.stack : String(e) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * Stops accepting connections and waits for the requests in flight: idle keep-alive
 * connections are closed as soon as their request is answered. After `graceMs`
 * the remaining connections are cut. Resolves false when it had to cut some.
 */
export async function drain(servers: Server[], graceMs: number): Promise<boolean> {
  let cut = false;
  const closed = Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  const sweep = setInterval(() => { for (const s of servers) s.closeIdleConnections(); }, 50);
  for (const s of servers) s.closeIdleConnections();
  const grace = setTimeout(() => {
    cut = true;
    for (const s of servers) s.closeAllConnections();
  }, graceMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(grace);
  return !cut;
}

/** The metadata and S3 services answer /healthz for now; their APIs come with later issues. */
export function createPlaceholderServer(service: string): Server {
  return createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(501, { 'content-type': 'text/plain' }).end(`${service}: not implemented yet\n`);
  });
}
