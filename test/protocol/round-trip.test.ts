/**
 * Our codec against the official client's own code, for every operation of the model.
 *
 * Requests: a synthetic input that fills every member of the input shape is
 * serialized by @aws-sdk/client-ec2 itself (through a request handler that
 * captures the HttpRequest instead of sending it) and decoded by our
 * decodeInput; the result must equal the input. Responses: a synthetic output
 * is encoded by our encodeOutput, handed to the SDK as the HTTP response, and
 * what the SDK parses must equal it. Errors: encodeError through the SDK.
 * Mismatches are collected per operation and reported together.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as sdk from '@aws-sdk/client-ec2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { NormalizedSchema } from '@smithy/core/schema';
import { Ec2Error } from '../../src/errors/ec2-error.js';
import { OPERATION_NAMES, type OperationModel, operationModel, type Shape } from '../../src/protocol/model.js';
import { decodeInput } from '../../src/protocol/query-decoder.js';
import { encodeError, encodeOutput } from '../../src/protocol/xml-encoder.js';

const API_VERSION = '2016-11-15';
/** Structures nested deeper than this are left out (EC2 shapes nest ~10 levels; recursion is cut separately). */
const MAX_DEPTH = 8;
/**
 * Characters that must survive form encoding and XML escaping. No `\r`: XML parsers normalize line
 * ends (the SDK's parser, @aws-sdk/xml-builder xml-parser.js: `x.replace(/\r\n?/g, "\n")`), so a
 * `\r` in a response string arrives as `\n` whatever the server does.
 */
const SPECIAL = ' &<>"\'%+=/?#;\n\té☃';

// ---------------------------------------------------------------------------
// The SDK, with a request handler that captures the request and answers a canned response.

interface Captured { method: string; path: string; headers: Record<string, string>; body: string }
let captured: Captured | undefined;
let canned: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '' };

const requestHandler = {
  async handle(request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) {
    captured = { method: request.method, path: request.path, headers: { ...request.headers }, body: String(request.body ?? '') };
    return {
      response: {
        statusCode: canned.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8', ...canned.headers },
        body: new TextEncoder().encode(canned.body),
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
};

const client = new EC2Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  requestHandler,
  maxAttempts: 1,
});

type Command = Parameters<EC2Client['send']>[0];
const sdkExports = sdk as unknown as Record<string, unknown>;
const commandOf = (op: string) => sdkExports[`${op}Command`] as (new (input: object) => Command) | undefined;

async function send(op: string, input: object, response = { status: 200, headers: {} as Record<string, string>, body: '' }) {
  captured = undefined;
  canned = response;
  const Ctor = commandOf(op);
  if (!Ctor) throw new Error(`@aws-sdk/client-ec2 exports no ${op}Command`);
  try {
    return { output: (await client.send(new Ctor(input))) as unknown as Record<string, unknown>, request: captured as Captured | undefined };
  } catch (error) {
    return { error, request: captured as Captured | undefined };
  }
}

/** Top-level input members the SDK fills with a fresh UUID when absent (Smithy @idempotencyToken), read from the SDK's own schema. */
function idempotencyTokens(op: string): Set<string> {
  const schema = sdkExports[`${op}$`] as unknown[];
  const input = typeof schema[4] === 'function' ? (schema[4] as () => unknown)() : schema[4];
  const ns = NormalizedSchema.of(input as never);
  const out = new Set<string>();
  if (ns.isStructSchema()) for (const [name, m] of ns.structIterator()) if (m.isIdempotencyToken()) out.add(name);
  return out;
}

// ---------------------------------------------------------------------------
// Synthetic values, driven by the compiled model.

interface Stats { members: number; cut: number; kinds: Record<string, number>; enums: number }

class Synth {
  private n = 0;
  readonly stats: Stats = { members: 0, cut: 0, kinds: {}, enums: 0 };
  constructor(
    private readonly requiredOnly = false,
    private readonly listLength = 2,
  ) {}

  struct(shape: Extract<Shape, { kind: 'struct' }>, path: string): Record<string, unknown> {
    return (this.value(shape, path, 0, [], undefined, true) as Record<string, unknown> | undefined) ?? {};
  }

  /** undefined = leave the member out (depth or recursion cut, or nothing to send). */
  private value(shape: Shape, path: string, depth: number, stack: string[], enumValues?: readonly string[], top = false): unknown {
    this.stats.kinds[shape.kind] = (this.stats.kinds[shape.kind] ?? 0) + 1;
    switch (shape.kind) {
      case 'struct': {
        if (!top && (depth > MAX_DEPTH || stack.includes(shape.name))) {
          this.stats.cut++;
          return undefined;
        }
        const out: Record<string, unknown> = {};
        // Required-only: still one member in a nested structure that has no required member, since an
        // empty structure serializes to nothing and its required parent would then be missing.
        const someRequired = shape.members.some((m) => m.required);
        for (const [i, m] of shape.members.entries()) {
          if (this.requiredOnly && !m.required && (top || someRequired || i > 0)) continue;
          const v = this.value(m.shape, `${path}.${m.name}`, depth + 1, [...stack, shape.name], m.enumValues);
          if (v === undefined) {
            if (m.required && !top) return undefined; // a struct without its required member would not decode; drop the whole struct
            continue;
          }
          this.stats.members++;
          out[m.name] = v;
        }
        // An empty structure has no representation in the Query protocol (nothing is serialized for it).
        return Object.keys(out).length > 0 || top ? out : undefined;
      }
      case 'list': {
        const items = Array.from({ length: this.listLength }, (_, i) => this.value(shape.member, `${path}[${i}]`, depth + 1, stack, enumValues));
        return items.every((v) => v !== undefined) ? items : undefined;
      }
      case 'map': {
        const v = this.value(shape.value, `${path}{k1}`, depth + 1, stack);
        return v === undefined ? undefined : { k1: v, [`k2${SPECIAL}x`]: this.value(shape.value, `${path}{k2}`, depth + 1, stack) };
      }
      case 'string': {
        const i = this.n++;
        if (enumValues) {
          this.stats.enums++;
          return enumValues[i % enumValues.length];
        }
        return `s-${path}${SPECIAL}${i}`;
      }
      case 'number': {
        const i = ++this.n;
        return i % 3 === 0 ? i + 0.25 : i % 3 === 1 ? i : -i; // fractional, positive and negative
      }
      case 'boolean':
        return this.n++ % 2 === 0;
      case 'timestamp': {
        const i = this.n++;
        return new Date(Date.UTC(2024, 0, 1 + (i % 28), i % 24, i % 60, i % 60, i % 2 === 0 ? 0 : 123));
      }
      case 'blob': {
        const i = this.n++;
        return new Uint8Array([0, 255, i & 0xff, 0x3e, 0x3f, 0xfb, 10]);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Comparison.

function normalize(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (v instanceof Uint8Array) return `base64:${Buffer.from(v).toString('base64')}`;
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && k !== '$metadata') o[k] = normalize(x);
    }
    return o;
  }
  return v;
}

const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v).slice(0, 160));

/** Path-level differences between two normalized values: `expected` is what we sent, `actual` what came back. */
function diff(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (out.length >= 8) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: ${expected.length} items, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) diff(expected[i], actual[i], `${path}[${i}]`, out);
    return;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(expected) && isObj(actual)) {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) diff(expected[k], actual[k], `${path}.${k}`, out);
    return;
  }
  if (expected !== actual) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

function compare(expected: unknown, actual: unknown): string[] {
  const out: string[] = [];
  diff(normalize(expected), normalize(actual), '', out);
  return out;
}

const errorText = (e: unknown) =>
  (e instanceof Ec2Error ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e)).replace(/\s*\n\s*/g, ' ');

class Failures {
  readonly list: string[] = [];
  add(op: string, issues: string[]) {
    for (const issue of issues) this.list.push(`${op}${issue.startsWith('.') || issue.startsWith('[') ? '' : ' '}${issue}`);
  }
  assertNone(what: string) {
    const ops = new Set(this.list.map((l) => /^\w+/.exec(l)?.[0]));
    assert.equal(this.list.length, 0, `${what}: ${this.list.length} mismatches in ${ops.size} operations; first ones:\n  ${this.list.slice(0, 40).join('\n  ')}`);
  }
}

const models: OperationModel[] = OPERATION_NAMES.map((op) => {
  const m = operationModel(op);
  assert.ok(m, `no model for ${op}`);
  return m;
});

// ---------------------------------------------------------------------------

test('the model covers every operation of the SDK, and each has a Command', () => {
  assert.equal(OPERATION_NAMES.length, 823, 'operation count of @aws-sdk/client-ec2 3.1169.0');
  const missing = OPERATION_NAMES.filter((op) => !commandOf(op));
  assert.deepEqual(missing, []);
});

/** The decoded form of one captured request body, with the envelope checks done. */
function decodeCaptured(op: string, m: OperationModel, request: Captured | undefined, issues: string[]): Record<string, unknown> | undefined {
  if (!request) {
    issues.push(': the SDK sent no request');
    return undefined;
  }
  if (request.method !== 'POST') issues.push(`: method ${request.method}`);
  if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) issues.push(`: content-type ${request.headers['content-type']}`);
  const form = new URLSearchParams(request.body);
  const keys = [...form.keys()];
  const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (dupes.length) issues.push(`: duplicate parameters ${dupes.join(', ')}`);
  if (form.get('Action') !== op) issues.push(`: Action=${form.get('Action')}`);
  if (form.get('Version') !== API_VERSION) issues.push(`: Version=${form.get('Version')}`);
  try {
    return decodeInput(m, Object.fromEntries(form));
  } catch (e) {
    issues.push(`: decodeInput threw ${errorText(e)}`);
    return undefined;
  }
}

for (const listLength of [2, 1]) {
  test(`requests: every member of every input (lists of ${listLength}), serialized by the SDK, decodes to the same value`, async (t) => {
    const failures = new Failures();
    const synth = new Synth(false, listLength);
    for (const m of models) {
      const op = m.name;
      const input = synth.struct(m.input, '');
      const { error, request } = await send(op, input, { status: 200, headers: {}, body: encodeOutput(m, undefined, 'req-1') });
      const issues: string[] = [];
      if (error) issues.push(`: the SDK failed: ${errorText(error)}`);
      const decoded = decodeCaptured(op, m, request, issues);
      // The input fills every idempotency token, so the SDK generates none: the decoded value must equal the input exactly.
      if (decoded) issues.push(...compare(input, decoded));
      failures.add(op, issues);
    }
    const { members, enums, cut, kinds } = synth.stats;
    t.diagnostic(`${models.length} operations, ${members} members filled (${enums} enum values), ${cut} structures cut by depth/recursion, shapes visited ${JSON.stringify(kinds)}`);
    failures.assertNone('requests');
  });
}

test('requests: only the required members, with what the SDK adds by itself', async () => {
  const failures = new Failures();
  for (const m of models) {
    const op = m.name;
    const input = new Synth(true).struct(m.input, '');
    const { request } = await send(op, input, { status: 200, headers: {}, body: encodeOutput(m, undefined, 'req-1') });
    const issues: string[] = [];
    const decoded = decodeCaptured(op, m, request, issues);
    if (decoded) {
      const expected: Record<string, unknown> = { ...input };
      // SDK behaviour: a missing @idempotencyToken member is filled with a random UUID
      // (@aws-sdk/core QueryShapeSerializer: `else if (ns.isIdempotencyToken()) … generateIdempotencyToken()`).
      for (const token of idempotencyTokens(op)) {
        if (expected[token] === undefined) {
          if (!/^[0-9a-f-]{36}$/.test(String(decoded[token]))) issues.push(`.${token}: expected a generated idempotency token, got ${show(decoded[token])}`);
          expected[token] = decoded[token];
        }
      }
      // SDK behaviour: @aws-sdk/middleware-sdk-ec2 copySnapshotPresignedUrlMiddleware adds DestinationRegion
      // and a presigned PresignedUrl (a CopySnapshot URL signed for SourceRegion) when PresignedUrl is absent.
      if (op === 'CopySnapshot') {
        if (decoded.DestinationRegion !== 'us-east-1') issues.push(`.DestinationRegion: ${show(decoded.DestinationRegion)}`);
        if (!String(decoded.PresignedUrl).includes('Action=CopySnapshot')) issues.push(`.PresignedUrl: ${show(decoded.PresignedUrl)}`);
        expected.DestinationRegion = decoded.DestinationRegion;
        expected.PresignedUrl = decoded.PresignedUrl;
      }
      issues.push(...compare(expected, decoded));
    }
    failures.add(op, issues);
  }
  failures.assertNone('required-only requests');
});

test('requests: SDK behaviour: empty lists are not serialized at all', async () => {
  // @aws-sdk/core AwsEc2QueryProtocol sets `serializeEmptyLists: false` (plain awsQuery sends `Name=`):
  // an empty list is indistinguishable from an absent one, so the server sees no parameter.
  const m = operationModel('DescribeVpcs')!;
  const { request } = await send('DescribeVpcs', { VpcIds: [], Filters: [{ Name: 'n', Values: [] }] }, { status: 200, headers: {}, body: encodeOutput(m, {}, 'r') });
  assert.equal(request?.body, 'Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=n');
  assert.deepEqual(decodeInput(m, Object.fromEntries(new URLSearchParams(request!.body))), { Filters: [{ Name: 'n' }] });
});

test('requests: SDK behaviour: no client-side validation of required members', async () => {
  // SDK v3 does not check required members before sending: an empty DeleteVpc goes out as is,
  // and it is our decoder that answers MissingParameter.
  const m = operationModel('DeleteVpc')!;
  const { error, request } = await send('DeleteVpc', {}, { status: 200, headers: {}, body: encodeOutput(m, undefined, 'r') });
  assert.equal(error, undefined);
  assert.equal(request?.body, 'Action=DeleteVpc&Version=2016-11-15');
  assert.throws(() => decodeInput(m, Object.fromEntries(new URLSearchParams(request!.body))), (e) => e instanceof Ec2Error && e.code === 'MissingParameter' && /VpcId/.test(e.message));
});

for (const listLength of [2, 1, 0]) {
  test(`responses: every member of every output (lists of ${listLength}), encoded by us, parses in the SDK to the same value`, async (t) => {
    const failures = new Failures();
    const synth = new Synth(false, listLength);
    let withOutput = 0;
    let unit = 0;
    for (const m of models) {
      const op = m.name;
      // The SDK does not validate input client-side (no required-member check), but send the required members anyway.
      const input = new Synth(true).struct(m.input, '');
      const issues: string[] = [];
      if (m.output) {
        withOutput++;
        const value = synth.struct(m.output, '');
        let xml: string;
        try {
          xml = encodeOutput(m, value, 'req-1');
        } catch (e) {
          failures.add(op, [`: encodeOutput threw ${errorText(e)}`]);
          continue;
        }
        const { output, error } = await send(op, input, { status: 200, headers: { 'x-amzn-requestid': 'req-1' }, body: xml });
        if (error) issues.push(`: the SDK failed: ${errorText(error)}`);
        else {
          const requestId = (output?.$metadata as { requestId?: string } | undefined)?.requestId;
          if (requestId !== 'req-1') issues.push(`: $metadata.requestId ${show(requestId)}`);
          issues.push(...compare(value, output));
        }
      } else {
        unit++;
        const xml = encodeOutput(m, undefined, 'req-1');
        if (!xml.includes('<return>true</return>')) issues.push(`: no <return>true</return> in ${xml}`);
        const { output, error } = await send(op, input, { status: 200, headers: {}, body: xml });
        if (error) issues.push(`: the SDK failed on <return>true</return>: ${errorText(error)}`);
        else issues.push(...compare({}, output));
      }
      failures.add(op, issues);
    }
    t.diagnostic(`${withOutput} operations with output (${synth.stats.members} members filled), ${unit} without (<return>true</return>)`);
    failures.assertNone('responses');
  });
}

test('error document: code, message, request id and status reach the SDK', async () => {
  const body = encodeError(new Ec2Error('InvalidVpcID.NotFound', 'msg'), 'req-9');
  // SDK behaviour: for ec2Query, $metadata.requestId comes from the x-amzn-requestid header only; the
  // <RequestID> of the error document is not read (@aws-sdk/core AwsQueryProtocol.handleError takes
  // deserializeMetadata(response), i.e. headers; only AwsRestXmlProtocol falls back to the body's RequestId).
  // Our server sends both (src/server/pipeline.ts), so the canned response does too.
  assert.match(body, /<RequestID>req-9<\/RequestID>/);
  for (const status of [400, 403]) {
    const { error } = await send('DescribeVpcs', {}, { status, headers: { 'x-amzn-requestid': 'req-9' }, body });
    assert.ok(error instanceof Error, 'the SDK must throw');
    const e = error as Error & { $metadata: { httpStatusCode?: number; requestId?: string }; Code?: string };
    assert.equal(e.name, 'InvalidVpcID.NotFound');
    assert.equal(e.Code, 'InvalidVpcID.NotFound');
    assert.equal(e.message, 'msg');
    assert.equal(e.$metadata.httpStatusCode, status);
    assert.equal(e.$metadata.requestId, 'req-9');
  }
});
