/**
 * The two load drivers.
 *  - replay (server-bound): the SDK builds and signs each request once; autocannon replays those
 *    exact bytes over keep-alive connections, so the client costs next to nothing and the figures
 *    are the server's. A SigV4 signature stays valid for 15 minutes; requests are signed per cell.
 *  - sdk (end to end): concurrent @aws-sdk/client-ec2 calls, as an application would make them.
 */
import { Agent } from 'node:http';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { HttpHandler, HttpRequest, HttpResponse } from '@smithy/core/protocols';
import autocannon from 'autocannon';
import type { RawRequest } from './processes.js';

export interface Target {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface LoadResult {
  ok: number;
  /** Non-2xx answers plus transport errors. */
  errors: number;
  /** Latencies of successful requests in ms, sorted. */
  latencies: Float64Array;
}

/** One SDK call, e.g. `(c) => c.send(new DescribeRegionsCommand({}))`: one definition serves both drivers. */
export type Call = (client: EC2Client) => Promise<unknown>;

class Captured extends Error {
  constructor(readonly request: HttpRequest) {
    super('captured');
  }
}

/** The exact request the SDK sends for `call` (signed now), captured instead of sent. */
export async function sdkSignedRequest(t: Target, call: Call): Promise<RawRequest> {
  const capture: HttpHandler = {
    handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => { throw new Captured(request); },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };
  const client = new EC2Client({ endpoint: t.endpoint, region: t.region, credentials: t.credentials, maxAttempts: 1, requestHandler: capture });
  try {
    await call(client);
  } catch (e) {
    if (!(e instanceof Captured)) throw e;
    const { method, path, query, headers, body } = e.request;
    const qs = new URLSearchParams(query as Record<string, string>).toString();
    // autocannon writes Content-Length itself; a second one would be a malformed request.
    const { 'content-length': _, ...rest } = headers;
    return { method, path: qs ? `${path}?${qs}` : path, headers: rest, body: typeof body === 'string' ? body : undefined };
  } finally {
    client.destroy();
  }
  throw new Error('the SDK sent nothing');
}

/** Replays one pre-signed request on `connections` keep-alive connections for `seconds`. */
export function replay(endpoint: string, r: RawRequest, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: endpoint, connections, pipelining: 1, duration: seconds,
      requests: [{ method: r.method as 'POST', path: r.path, headers: r.headers, body: r.body }],
    }, (err, result) => {
      if (err) return reject(err);
      // autocannon's own histogram keeps whole milliseconds; the per-response times are exact.
      resolve({ ok, errors: errors + result.errors + result.timeouts, latencies: Float64Array.from(latencies).sort() });
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      } else errors++;
    });
  });
}

/** `connections` SDK callers in a loop for `seconds`, each awaiting its previous call. */
export async function sdkLoop(t: Target, call: Call, connections: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const client = new EC2Client({ endpoint: t.endpoint, region: t.region, credentials: t.credentials, maxAttempts: 1, requestHandler: { httpAgent: agent } });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await call(client);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  client.destroy();
  agent.destroy();
  return { ok: latencies.length, errors, latencies: Float64Array.from(latencies).sort() };
}

export const quantile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
