/**
 * AWS request signing, server side: detect and parse the signature a request
 * carries (SigV4 Authorization header, SigV4 presigned query, SigV2 params),
 * check its freshness, and recompute it from a secret key. Knows nothing about
 * where secrets live (that is the CredentialSource's job).
 *
 * SigV4: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 *        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-query-string-auth.html
 * SigV2: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
 *        https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html
 * Compatibility reference: @smithy/signature-v4 (AWS SDK for JS v3) and botocore.auth.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ERRORS } from '../errors/catalog.js';
import type { IncomingRequest, ParsedSignature } from './types.js';

const V4_ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_PRESIGN_SECONDS = 604800; // one week, as the SDKs enforce

// ---------------------------------------------------------------- parsing

export function parseSignature(req: IncomingRequest): ParsedSignature {
  const authorization = req.headers.authorization?.trim();
  if (authorization) return parseV4Header(req, authorization);
  const query = queryPairs(req.rawQuery);
  const q = (name: string) => query.find(([k]) => k === name)?.[1];
  if (q('X-Amz-Algorithm') !== undefined || q('X-Amz-Credential') !== undefined || q('X-Amz-Signature') !== undefined) {
    return parseV4Query(q);
  }
  const p = req.params;
  if (p.Signature !== undefined || p.AWSAccessKeyId !== undefined || p.SignatureVersion !== undefined) return parseV2(p);
  throw ERRORS.missingAuthenticationToken();
}

function parseV4Header(req: IncomingRequest, authorization: string): ParsedSignature {
  const space = authorization.search(/\s/);
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== V4_ALGORITHM) {
    throw ERRORS.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'. Only ${V4_ALGORITHM} is supported.`);
  }
  const fields: Record<string, string> = {};
  for (const part of (space < 0 ? '' : authorization.slice(space)).split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw ERRORS.incompleteSignature(`Authorization header component '${part.trim()}' is not of the form key=value. Authorization=${authorization}`);
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  // A Date header stands in for X-Amz-Date (the SDKs/botocore send one or the other).
  const amzDate = req.headers['x-amz-date'];
  const httpDate = req.headers.date;
  const missing = ['Credential', 'SignedHeaders', 'Signature']
    .filter((k) => !fields[k])
    .map((k) => `Authorization header requires '${k}' parameter.`);
  if (amzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length) throw ERRORS.incompleteSignature(`${missing.join(' ')} Authorization=${authorization}`);

  let date: Date;
  if (amzDate !== undefined) date = parseAmzDate(amzDate, 'X-Amz-Date');
  else {
    date = new Date(httpDate ?? '');
    if (Number.isNaN(date.getTime())) throw ERRORS.incompleteSignature(`Date header '${httpDate}' is not a valid HTTP date.`);
    date = new Date(Math.floor(date.getTime() / 1000) * 1000);
  }
  return { version: 'v4-header', signature: fields.Signature, date, ...v4Common(fields.Credential, fields.SignedHeaders, date) };
}

function parseV4Query(find: (name: string) => string | undefined): ParsedSignature {
  const q = (name: string) => find(name) ?? '';
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
  const missing = required.filter((k) => !q(k));
  if (missing.length) {
    throw ERRORS.incompleteSignature(
      `${missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' ')} Re-examine the query-string parameters.`,
    );
  }
  if (q('X-Amz-Algorithm') !== V4_ALGORITHM) {
    throw ERRORS.incompleteSignature(`X-Amz-Algorithm only supports '${V4_ALGORITHM}', not '${q('X-Amz-Algorithm')}'.`);
  }
  const date = parseAmzDate(q('X-Amz-Date'), 'X-Amz-Date');
  // X-Amz-Expires is always sent by the SDKs; without it, the 15-minute skew rule applies.
  const rawExpires = find('X-Amz-Expires');
  let expiresIn: number | undefined;
  if (rawExpires !== undefined) {
    expiresIn = /^\d{1,7}$/.test(rawExpires) ? Number(rawExpires) : Number.NaN;
    if (!(expiresIn >= 1 && expiresIn <= MAX_PRESIGN_SECONDS)) {
      throw ERRORS.incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}, not '${rawExpires}'.`);
    }
  }
  return {
    version: 'v4-query',
    signature: q('X-Amz-Signature'),
    date,
    ...(expiresIn !== undefined && { expiresIn }),
    ...v4Common(q('X-Amz-Credential'), q('X-Amz-SignedHeaders'), date),
  };
}

/** Credential scope and SignedHeaders, shared by header and query SigV4. */
function v4Common(credential: string, signedHeaderList: string, date: Date) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => !p) || !/^\d{8}$/.test(parts[1])) {
    throw ERRORS.incompleteSignature(
      `Credential must have the form <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request, not '${credential}'.`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  if (terminator !== 'aws4_request') {
    throw ERRORS.incompleteSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  const longDate = amzDateString(date);
  if (scopeDate !== longDate.slice(0, 8)) {
    throw ERRORS.incompleteSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
    );
  }
  const signedHeaders = signedHeaderList.split(';').map((h) => h.trim().toLowerCase());
  if (signedHeaders.some((h) => !h)) throw ERRORS.incompleteSignature(`SignedHeaders '${signedHeaderList}' is malformed.`);
  // AWS requires the Host header to be signed, so a signature cannot be replayed to another endpoint.
  if (!signedHeaders.includes('host')) throw ERRORS.incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  return { accessKeyId, scope: { date: scopeDate, region, service }, signedHeaders };
}

function parseV2(p: Record<string, string>): ParsedSignature {
  const version = p.SignatureVersion;
  if (version === undefined) throw ERRORS.incompleteSignature('The request must contain the parameter SignatureVersion.');
  if (version !== '2') {
    throw ERRORS.authFailure(
      `Signature version ${version} is not supported. Sign requests with Signature Version 4 (or SignatureVersion=2).`,
    );
  }
  const missing = ['AWSAccessKeyId', 'Signature', 'SignatureMethod'].filter((k) => !p[k]);
  if (missing.length) throw ERRORS.incompleteSignature(`The request must contain the parameter ${missing.join(', ')}.`);
  if (p.SignatureMethod !== 'HmacSHA256' && p.SignatureMethod !== 'HmacSHA1') {
    throw ERRORS.incompleteSignature(`SignatureMethod must be HmacSHA256 or HmacSHA1, not '${p.SignatureMethod}'.`);
  }
  if (p.Timestamp !== undefined && p.Expires !== undefined) {
    throw ERRORS.invalidParameterCombination('The request must not contain both Timestamp and Expires.');
  }
  if (p.Timestamp === undefined && p.Expires === undefined) {
    throw ERRORS.incompleteSignature('The request must contain either a valid (unexpired) Timestamp or an Expires parameter.');
  }
  const expires = p.Expires !== undefined;
  const name = expires ? 'Expires' : 'Timestamp';
  return {
    version: 'v2',
    accessKeyId: p.AWSAccessKeyId,
    signature: p.Signature,
    signatureMethod: p.SignatureMethod,
    date: parseIso8601(p[name], name),
    ...(expires && { expires }),
  };
}

/** X-Amz-Date: ISO 8601 basic format, e.g. 20261126T160000Z. */
function parseAmzDate(value: string, name: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
  // Round-trip check rejects out-of-range fields such as month 13 that Date.UTC would roll over.
  if (!date || amzDateString(date) !== value) {
    throw ERRORS.incompleteSignature(`${name} must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", not '${value}'.`);
  }
  return date;
}

/** SigV2 Timestamp/Expires: ISO 8601 extended format; no zone means UTC. */
function parseIso8601(value: string, name: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  const zone = (m?.[3] ?? 'Z').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2').toUpperCase();
  const date = m ? new Date(`${m[1]}${m[2] ?? ''}${zone}`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw ERRORS.invalidParameterValue(name, value, 'Must be an ISO 8601 date-time such as 2026-11-26T16:00:00Z.');
  }
  return date;
}

// -------------------------------------------------------------- freshness

export function checkFreshness(sig: ParsedSignature, now: Date, maxSkewSeconds = 900): void {
  const t = sig.date.getTime();
  const n = now.getTime();
  const skew = maxSkewSeconds * 1000;
  const fmt = (ms: number) => (sig.version === 'v2' ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : amzDateString(new Date(ms)));
  const mins = `${maxSkewSeconds / 60} min.`;
  if (sig.version === 'v2' && sig.expires) {
    // SigV2 Expires: the client states the deadline itself; no skew allowance.
    if (n > t) throw ERRORS.requestExpired(`Request has expired. Expires ${fmt(t)} is earlier than the server time ${fmt(n)}.`);
    return;
  }
  // Clock skew check, both directions (also guards presigned URLs dated in the future).
  if (t > n + skew) {
    throw ERRORS.requestExpired(`Signature not yet current: ${fmt(t)} is still later than ${fmt(n + skew)} (${fmt(n)} + ${mins})`);
  }
  if (sig.version === 'v4-query' && sig.expiresIn !== undefined) {
    const end = t + sig.expiresIn * 1000;
    if (n > end) {
      throw ERRORS.requestExpired(
        `Request has expired. Presigned URL signed at ${fmt(t)} expired after ${sig.expiresIn} seconds at ${fmt(end)}; server time is ${fmt(n)}.`,
      );
    }
    return;
  }
  if (t < n - skew) {
    throw ERRORS.requestExpired(
      `Request has expired. Signature expired: ${fmt(t)} is now earlier than ${fmt(n - skew)} (${fmt(n)} - ${mins})`,
    );
  }
}

// ----------------------------------------------------------- verification

export function verifySignature(req: IncomingRequest, sig: ParsedSignature, secretAccessKey: string): boolean {
  const expected = sig.version === 'v2' ? v2Signatures(req, sig, secretAccessKey) : v4Signatures(req, sig, secretAccessKey);
  // base64 '+' arrives as ' ' when a client leaves it unencoded in a form/query; base64 never contains ' '.
  const provided = Buffer.from(sig.version === 'v2' ? sig.signature.replace(/ /g, '+') : sig.signature);
  let ok = false;
  for (const candidate of expected) {
    const c = Buffer.from(candidate);
    ok = (c.length === provided.length && timingSafeEqual(c, provided)) || ok;
  }
  return ok;
}

/** The SigV4 signatures this request could legitimately carry (usually one). */
function v4Signatures(req: IncomingRequest, sig: ParsedSignature, secret: string): string[] {
  const { scope, signedHeaders } = sig;
  if (!scope || !signedHeaders) return [];
  const presigned = sig.version === 'v4-query';
  const query = queryPairs(req.rawQuery);
  const headerLines: string[] = [];
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return []; // a signed header that did not arrive can never match
    // "Trimall": trim, and collapse sequential whitespace to one space.
    headerLines.push(`${name}:${value.trim().replace(/\s+/g, ' ')}`);
  }
  // The canonical request minus its first line (method) and last line (payload hash).
  const canonicalMiddle = [
    canonicalUri(req.path),
    canonicalQuery(presigned ? query.filter(([k]) => k.toLowerCase() !== 'x-amz-signature') : query),
    `${headerLines.join('\n')}\n`,
    signedHeaders.join(';'),
  ].join('\n');
  const declared =
    req.headers['x-amz-content-sha256'] ??
    (presigned ? query.find(([k]) => k.toLowerCase() === 'x-amz-content-sha256')?.[1] : undefined);
  const scopeString = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const key = signingKey(secret, scope.date, scope.region, scope.service);
  const method = req.method.toUpperCase();
  // botocore's generate_presigned_url signs query-protocol operations with the model's
  // method (POST) although the URL is then fetched with GET. With every parameter in the
  // signed query and an empty body, GET and POST mean the same request, so accept either.
  const methods = presigned && req.body.length === 0 && (method === 'GET' || method === 'POST') ? ['GET', 'POST'] : [method];
  return methods.flatMap((m) =>
    payloadHashes(req.body, declared, presigned).map((payloadHash) => {
      const canonicalRequest = `${m}\n${canonicalMiddle}\n${payloadHash}`;
      const stringToSign = [V4_ALGORITHM, amzDateString(sig.date), scopeString, sha256Hex(canonicalRequest)].join('\n');
      return hmac(key, stringToSign).toString('hex');
    }),
  );
}

/** Derived signing keys, by secret and scope: a key is valid for a whole day, and a client signs many requests with it. */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEYS_MAX = 256;

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    // Oldest first out: entries of past days and of deleted credentials leave on their own.
    if (signingKeys.size >= SIGNING_KEYS_MAX) signingKeys.delete(signingKeys.keys().next().value as string);
    signingKeys.set(id, key);
  }
  return key;
}

/**
 * The payload hash goes into the canonical request as the client computed it.
 * A declared x-amz-content-sha256 must actually match the body (EC2 parameters live
 * in the body, so an unchecked declaration would leave them unsigned); UNSIGNED-PAYLOAD
 * is accepted only with an empty body for the same reason. Presigned URLs: both
 * @smithy/signature-v4 presign() and botocore SigV4QueryAuth hash the (empty) body for
 * non-S3 services; UNSIGNED-PAYLOAD is the S3 convention, tolerated for empty bodies.
 */
function payloadHashes(body: Buffer, declared: string | undefined, presigned: boolean): string[] {
  const bodyHash = sha256Hex(body);
  if (declared === UNSIGNED_PAYLOAD) return body.length === 0 ? [declared] : [];
  if (declared !== undefined) return declared.toLowerCase() === bodyHash ? [declared] : [];
  return presigned && body.length === 0 ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
}

/**
 * Canonical URI for every service but S3: remove empty and dot segments, then
 * URI-encode the path as received (already percent-encoded once), i.e. encode it
 * "twice" as the SigV4 docs put it. Matches SignatureV4Base.getCanonicalPath and
 * botocore's quote(remove_dot_segments(path), safe='/~').
 */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (!s || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length && path.endsWith('/') ? '/' : ''}`;
  return normalized ? uriEncode(normalized, true) : '/';
}

/** Sorted by encoded name then encoded value; every name and value RFC 3986-encoded. */
function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * SigV2 string to sign: METHOD \n host \n path \n sorted params. The host is the
 * Host header (with its port, as botocore's netloc has it); AWS lower-cases it,
 * botocore does not, so both spellings are tried.
 */
function v2Signatures(req: IncomingRequest, sig: ParsedSignature, secret: string): string[] {
  const host = req.headers.host ?? '';
  const qs = Object.keys(req.params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) // "natural byte ordering" of the names
    .map((k) => `${uriEncode(k)}=${uriEncode(req.params[k])}`)
    .join('&');
  const algorithm = sig.signatureMethod === 'HmacSHA1' ? 'sha1' : 'sha256';
  return [...new Set([host.toLowerCase(), host])].map((h) =>
    createHmac(algorithm, secret).update(`${req.method.toUpperCase()}\n${h}\n${req.path || '/'}\n${qs}`).digest('base64'),
  );
}

// ---------------------------------------------------------------- helpers

/** Decoded name/value pairs of a raw query string, in order ('+' read as space, as in forms). */
function queryPairs(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s; // malformed escapes: keep as sent; the signature simply will not match
  }
}

/** RFC 3986 percent-encoding over UTF-8 bytes: only A-Z a-z 0-9 - _ . ~ (and '/' if asked) stay literal. */
function uriEncode(s: string, keepSlash = false): string {
  if (UNRESERVED.test(s)) return s;
  if (WELL_FORMED.test(s)) {
    // encodeURIComponent also leaves ! ' ( ) * literal, which RFC 3986 encodes.
    const out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return keepSlash ? out.replace(/%2F/g, '/') : out;
  }
  // Lone surrogates: encodeURIComponent throws, UTF-8 encoding makes them U+FFFD.
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(ch) || (keepSlash && ch === '/') ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** 20261126T160000Z */
function amzDateString(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
