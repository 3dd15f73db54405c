/**
 * HTTP to the OpenStack services: one connection pool per provider with a
 * connection limit, a timeout on every call, the request id passed upstream,
 * a metric per call, and upstream failures turned into ProviderErrors.
 */
import { Agent, request } from 'undici';
import type { Logger } from '../../observability/log.js';
import type { Metrics } from '../../observability/metrics.js';
import { ProviderError } from '../errors.js';

export interface UpstreamRequest {
  service: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  requestId?: string;
  signal?: AbortSignal;
  /** Statuses the caller handles itself (returned instead of thrown). */
  accept?: number[];
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export class Upstream {
  private readonly agent: Agent;

  constructor(
    private readonly timeoutMs: number,
    maxConnections: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.agent = new Agent({ connections: maxConnections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 5000) });
  }

  async call<T = unknown>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    if (req.token) headers['x-auth-token'] = req.token;
    if (req.requestId) headers['x-openstack-request-id'] = `req-${req.requestId}`;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(req.signal ? [req.signal] : [])];
    const started = performance.now();
    let status = 'error';
    try {
      const res = await request(req.url, { method: req.method, headers, body: payload, dispatcher: this.agent, signal: AbortSignal.any(signals) });
      status = String(res.statusCode);
      const text = await res.body.text();
      let body: unknown = text;
      if (text && String(res.headers['content-type'] ?? '').includes('json')) {
        try { body = JSON.parse(text); } catch { /* keep the text */ }
      }
      if (res.statusCode >= 400 && !req.accept?.includes(res.statusCode)) throw this.toError(req, res.statusCode, text);
      return { status: res.statusCode, headers: res.headers, body: body as T };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      const err = e as { name?: string; code?: string; message?: string };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError' || /Timeout/i.test(err.code ?? '');
      this.logger.warn('upstream call failed', { service: req.service, method: req.method, url: req.url, request_id: req.requestId, error: err.message });
      throw new ProviderError(timedOut ? 'Timeout' : 'Unavailable',
        timedOut ? `${req.service} did not answer within ${this.timeoutMs / 1000} s` : `${req.service} is unreachable`,
        { service: req.service });
    } finally {
      this.metrics.upstreamCalls.inc({ service: req.service, method: req.method, status });
      this.metrics.upstreamDuration.observe({ service: req.service }, (performance.now() - started) / 1000);
    }
  }

  private toError(req: UpstreamRequest, status: number, text: string): ProviderError {
    let message = text.slice(0, 500);
    try {
      const j = JSON.parse(text);
      const inner = j.error ?? j.NeutronError ?? Object.values(j)[0];
      if (inner && typeof inner === 'object' && 'message' in inner) message = String(inner.message);
    } catch { /* not JSON */ }
    const upstream = { service: req.service, status, body: text.slice(0, 2000) };
    if (status >= 500) {
      this.logger.warn('upstream error', { service: req.service, method: req.method, url: req.url, status, request_id: req.requestId, message });
    }
    if (status === 400) return new ProviderError('BadRequest', message, upstream);
    if (status === 401) return new ProviderError('Unauthorized', message, upstream);
    if (status === 403) return new ProviderError(/quota/i.test(message) ? 'QuotaExceeded' : 'Forbidden', message, upstream);
    if (status === 404) return new ProviderError('NotFound', message, upstream);
    if (status === 409) return new ProviderError(/quota/i.test(message) ? 'QuotaExceeded' : 'Conflict', message, upstream);
    if (status === 413) return new ProviderError('QuotaExceeded', message, upstream);
    return new ProviderError('Unavailable', `${req.service} failed (HTTP ${status}): ${message}`, upstream);
  }

  close() {
    return this.agent.close();
  }
}
