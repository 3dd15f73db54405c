/**
 * The EC2 request pipeline, as one function over a plain request:
 *   request id → parameters → authenticate (SigV4 header/presigned, SigV2, clock skew)
 *   → region → resolve Action → decode (model) → Unsupported check → DryRun
 *   → invoke the action → encode (model).
 * Every failure is rendered by the one error renderer. The HTTP adapter
 * (src/server/http.ts) calls Ec2Pipeline.handle.
 */
import { randomUUID } from 'node:crypto';
import type { ActionContext } from '../actions/context.js';
import { findAction } from '../actions/index.js';
import { toEc2Error } from '../actions/translate.js';
import { checkFreshness, parseSignature } from '../auth/signature.js';
import type { CredentialSource, IncomingRequest, Principal } from '../auth/types.js';
import { isProviderError } from '../cloud/errors.js';
import type { CloudContext, CloudProvider } from '../cloud/provider.js';
import { type Config, listenUrl } from '../config/config.js';
import { ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { operationModel } from '../protocol/model.js';
import { decodeInput, queryNameOf } from '../protocol/query-decoder.js';
import { encodeError, encodeOutput } from '../protocol/xml-encoder.js';
import type { Store } from '../store/store.js';

export interface PipelineDeps {
  config: Config;
  store: Store;
  cloud: CloudProvider;
  credentials: CredentialSource;
  logger: Logger;
  metrics: Metrics;
}

export interface Ec2Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class Ec2Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** The backend caches its region list where reading it costs (src/cloud/region-cache.ts). */
  private async checkRegion(region: string): Promise<void> {
    const { regions } = await this.deps.cloud.identity.listRegions();
    if (!regions.some((r) => r.name === region)) {
      throw ERRORS.authFailure(`Credential should be scoped to a valid region, not '${region}'.`);
    }
  }

  async handle(req: IncomingRequest): Promise<Ec2Response & { log: Record<string, unknown> }> {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const { logger, metrics } = this.deps;
    const log: Record<string, unknown> = { request_id: requestId, action: req.params.Action ?? null };
    let status = 200;
    let code: string | undefined;
    let body: string;
    try {
      body = await this.run(req, requestId, log);
    } catch (e) {
      // A token the cloud no longer accepts must not be reused by the next request.
      if (isProviderError(e, 'Unauthorized') && typeof log.access_key === 'string') this.deps.credentials.forget?.(log.access_key);
      let err = toEc2Error(e, requestId);
      if (!err) {
        logger.error('unhandled error', { request_id: requestId, action: log.action, error: e instanceof Error ? e.stack : String(e) });
        err = ERRORS.internal(requestId);
      }
      status = err.status;
      code = err.code;
      body = encodeError(err, requestId);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const action = typeof log.action === 'string' && operationModel(log.action) ? log.action : 'unknown';
    metrics.observeRequest(action, status, code ?? '', seconds);
    log.status = status;
    log.code = code;
    log.duration_ms = Math.round(seconds * 1e6) / 1e3;
    return {
      status,
      headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
      body,
      log,
    };
  }

  private async run(req: IncomingRequest, requestId: string, log: Record<string, unknown>): Promise<string> {
    const { config, store, cloud, credentials, logger } = this.deps;
    const sig = parseSignature(req);
    checkFreshness(sig, new Date(), config.DEFAULT.max_clock_skew);
    if (sig.scope && sig.scope.service !== 'ec2') {
      throw ERRORS.authFailure(`Credential should be scoped to correct service: 'ec2', not '${sig.scope.service}'.`);
    }
    const principal: Principal = await credentials.authenticate(req, sig);
    const region = sig.scope?.region ?? config.DEFAULT.region_name;
    Object.assign(log, { project: principal.projectId, user: principal.userId, region, access_key: principal.accessKeyId });
    await this.checkRegion(region);

    const actionName = req.params.Action;
    if (actionName === undefined || actionName === '') throw ERRORS.missingAction();
    const op = operationModel(actionName);
    if (!op) throw ERRORS.invalidAction(actionName);
    const action = findAction(actionName);
    if (!action) throw ERRORS.unsupportedOperation(actionName);

    const input = decodeInput(op, req.params);
    for (const key of Object.keys(input)) {
      if (key !== 'DryRun' && !action.supports.has(key)) throw ERRORS.unsupportedParameter(queryNameOf(op, key), actionName);
    }
    // Every authenticated caller may call every implemented action (no IAM yet), so DryRun always "would have succeeded".
    if (input.DryRun === true) throw ERRORS.dryRun();
    delete input.DryRun;

    // The abort signal is made only when a provider asks for it (the embedded cloud never does):
    // an AbortController per request was a visible share of a small request's cost.
    let abort: AbortController | undefined;
    let expired = false;
    let timedOut: (e: Error) => void = () => {};
    const timeout = new Promise<never>((_, reject) => { timedOut = reject; });
    const timer = setTimeout(() => {
      expired = true;
      abort?.abort();
      timedOut(new Ec2Error('RequestTimeout', `The request did not complete within ${config.DEFAULT.request_timeout} seconds (request ${requestId})`, 503));
    }, config.DEFAULT.request_timeout * 1000);
    const upstreamCalls = cloud.name === 'openstack' ? { count: 0 } : undefined;
    const cloudCtx: CloudContext = {
      requestId, projectId: principal.projectId, userId: principal.userId, region, auth: principal.cloudAuth, upstreamCalls,
      get signal() {
        if (!abort) {
          abort = new AbortController();
          if (expired) abort.abort();
        }
        return abort.signal;
      },
    };
    const ctx: ActionContext = {
      requestId, action: actionName, region, principal, projectId: principal.projectId, store, cloud, config, logger,
      endpoint: config.DEFAULT.public_endpoint || (req.headers.host ? `http://${req.headers.host}` : listenUrl(config)),
      cloudCtx,
    };
    try {
      const output = await Promise.race([action.handler(ctx, input), timeout]);
      return encodeOutput(op, output, requestId);
    } finally {
      clearTimeout(timer);
      if (upstreamCalls) {
        this.deps.metrics.observeUpstreamCalls(actionName, upstreamCalls.count);
        log.upstream_calls = upstreamCalls.count;
      }
    }
  }
}
