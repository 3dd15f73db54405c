/**
 * ClientToken, as AWS honours it: a create repeated with the same token and the same parameters answers the first
 * request's result and creates nothing; the same token with other parameters is IdempotentParameterMismatch. A
 * repeat that arrives while the first is still running waits for its answer. The token is released when the
 * request fails, so a retry with it creates.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext } from '../actions/context.js';
import { ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';

const MAX_TOKEN = 64;

/** Stable JSON of the request's parameters (keys sorted), without the token and DryRun. */
function paramsHash(input: Record<string, unknown>): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => k !== 'ClientToken' && k !== 'DryRun').map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(input))).digest('hex');
}

// Dates survive the round trip through the store as dates (the encoder writes them as timestamps).
const encode = (result: unknown) => JSON.stringify(result, function (this: Record<string, unknown>, key, value) {
  const raw = this[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
});
const decode = (text: string) => JSON.parse(text, (_key, value) =>
  value && typeof value === 'object' && typeof value.$date === 'string' && Object.keys(value).length === 1 ? new Date(value.$date) : value);

export async function withClientToken<T>(
  ctx: ActionContext, token: string | undefined, input: object, run: () => Promise<T>,
): Promise<T> {
  if (token === undefined || token === '') return run();
  if (token.length > MAX_TOKEN) throw ERRORS.invalidParameterValue('ClientToken', token, `A client token can be at most ${MAX_TOKEN} characters.`);
  const { clientTokens } = ctx.store;
  const hash = paramsHash(input as Record<string, unknown>);
  const deadline = Date.now() + ctx.config.DEFAULT.request_timeout * 1000;
  for (;;) {
    const claim = await clientTokens.claim(ctx.projectId, ctx.region, ctx.action, token, hash);
    if (claim.claimed) break;
    if (claim.paramsHash !== hash) {
      throw new Ec2Error('IdempotentParameterMismatch', 'The client token you have provided is associated with a different request: use the same parameters, or another token.');
    }
    if (claim.result !== '') return decode(claim.result) as T;
    // A claim left in flight by a process that died (SIGKILL) is taken over once no request could still hold it.
    if (Date.now() - new Date(claim.createdAt).getTime() > 2 * ctx.config.DEFAULT.request_timeout * 1000) {
      await clientTokens.release(ctx.projectId, ctx.region, ctx.action, token);
      continue;
    }
    if (Date.now() > deadline) throw ERRORS.unavailable('A request with this client token is still in progress. Please try again shortly.');
    await sleep(100);
  }
  let result: T;
  try {
    result = await run();
  } catch (e) {
    await clientTokens.release(ctx.projectId, ctx.region, ctx.action, token);
    throw e;
  }
  await clientTokens.complete(ctx.projectId, ctx.region, ctx.action, token, encode(result));
  return result;
}
