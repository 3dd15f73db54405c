/**
 * Tests for src/auth/signature.ts: requests signed by @smithy/signature-v4, by
 * @aws-sdk/client-ec2 itself, and by botocore (the engine of boto3 and aws-cli v1)
 * must verify; tampering, stale clocks and malformed auth must not.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { Ec2Error } from '../errors/ec2-error.js';
import { checkFreshness, parseSignature, verifySignature } from './signature.js';
import type { IncomingRequest } from './types.js';

const AK = 'AKIDEXAMPLE';
const SK = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const BODY = 'Action=DescribeRegions&Version=2016-11-15';
const SIGNED_AT = new Date('2026-11-26T16:00:00Z');
const minutes = (n: number) => new Date(SIGNED_AT.getTime() + n * 60_000);

/** Builds the IncomingRequest the HTTP layer would: raw path/query, lower-case headers, decoded params. */
function incoming(method: string, url: string, headers: Record<string, string>, body = ''): IncomingRequest {
  const m = /^\w+:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/.exec(url)!;
  const lower: Record<string, string> = { host: m[1] };
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  const rawQuery = m[3] ?? '';
  const params = Object.fromEntries(new URLSearchParams(method === 'GET' ? rawQuery : body));
  return { method, path: m[2] || '/', rawQuery, headers: lower, body: Buffer.from(body), params };
}

const signer = (secretAccessKey = SK) =>
  new SignatureV4({ service: 'ec2', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId: AK, secretAccessKey } });

/** POST / exactly as @aws-sdk/client-ec2 builds it, signed at `signingDate`. */
async function smithyPost(signingDate = SIGNED_AT, body = BODY, path = '/'): Promise<IncomingRequest> {
  const signed = await signer().sign(
    {
      method: 'POST', protocol: 'http:', hostname: 'localhost', port: 8788, path, query: {}, body,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'localhost:8788' },
    },
    { signingDate },
  );
  return incoming('POST', `http://localhost:8788${path}`, signed.headers as Record<string, string>, body);
}

/** Presigned GET with the EC2 params in the query (signer.presign). */
async function smithyPresigned(signingDate = SIGNED_AT, expiresIn = 300, extra: Record<string, string> = {}): Promise<IncomingRequest> {
  const presigned = await signer().presign(
    {
      method: 'GET', protocol: 'http:', hostname: 'localhost', port: 8788, path: '/',
      query: { Action: 'DescribeRegions', Version: '2016-11-15', ...extra }, headers: { host: 'localhost:8788' },
    },
    { signingDate, expiresIn },
  );
  const qs = Object.entries(presigned.query as Record<string, string>)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return incoming('GET', `http://localhost:8788/?${qs}`, {});
}

function throwsCode(fn: () => unknown, code: string, message?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Ec2Error, `expected Ec2Error, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('SigV4 Authorization header (@smithy/signature-v4)', () => {
  it('parses and verifies', async () => {
    const req = await smithyPost();
    const sig = parseSignature(req);
    assert.equal(sig.version, 'v4-header');
    assert.equal(sig.accessKeyId, AK);
    assert.deepEqual(sig.scope, { date: '20261126', region: 'us-east-1', service: 'ec2' });
    assert.equal(sig.date.toISOString(), SIGNED_AT.toISOString());
    assert.ok(sig.signedHeaders?.includes('host'));
    assert.equal(verifySignature(req, sig, SK), true);
  });

  it('rejects a wrong secret, also when the right one has just been used for the same scope', async () => {
    const req = await smithyPost();
    for (let i = 0; i < 2; i++) {
      assert.equal(verifySignature(req, parseSignature(req), SK), true);
      assert.equal(verifySignature(req, parseSignature(req), `${SK}x`), false);
    }
  });

  it('rejects a tampered body, with or without the x-amz-content-sha256 header', async () => {
    const req = await smithyPost();
    const tampered = { ...req, body: Buffer.from(`${BODY}&DryRun=true`) };
    assert.equal(verifySignature(tampered, parseSignature(tampered), SK), false);
    const noHash = { ...tampered, headers: { ...tampered.headers } };
    delete noHash.headers['x-amz-content-sha256'];
    assert.equal(verifySignature(noHash, parseSignature(noHash), SK), false);
  });

  it('rejects a tampered signed header and a tampered query', async () => {
    const req = await smithyPost();
    const host = { ...req, headers: { ...req.headers, host: 'evil:8788' } };
    assert.equal(verifySignature(host, parseSignature(host), SK), false);
    const query = { ...req, rawQuery: 'Action=TerminateInstances' };
    assert.equal(verifySignature(query, parseSignature(query), SK), false);
  });

  it('canonicalizes header whitespace', async () => {
    const req = await smithyPost();
    const spaced = { ...req, headers: { ...req.headers, 'content-type': '  application/x-www-form-urlencoded;   charset=utf-8 ' } };
    assert.equal(verifySignature(spaced, parseSignature(spaced), SK), true);
  });

  it('double-encodes and normalizes the path like the SDKs', async () => {
    for (const path of ['/services/Cloud/', '/a%20b/c', '/x/./y/../z']) {
      const req = await smithyPost(SIGNED_AT, BODY, path);
      assert.equal(verifySignature(req, parseSignature(req), SK), true, path);
    }
  });

  it('accepts the Date header when X-Amz-Date is absent', async () => {
    // Hand-built: botocore signs with the Date header when the request already has one.
    const req = await smithyPost();
    const { 'x-amz-date': _drop, ...rest } = req.headers;
    const withDate = { ...req, headers: { ...rest, date: SIGNED_AT.toUTCString() } };
    const sig = parseSignature(withDate);
    assert.equal(sig.date.toISOString(), SIGNED_AT.toISOString());
    // x-amz-date was a signed header and is gone, so verification must fail rather than throw.
    assert.equal(verifySignature(withDate, sig, SK), false);
  });
});

describe('SigV4 presigned query (@smithy/signature-v4 presign)', () => {
  it('parses and verifies', async () => {
    const req = await smithyPresigned(SIGNED_AT, 300, { 'Filter.1.Value.1': 'a b~*()!\'' });
    const sig = parseSignature(req);
    assert.equal(sig.version, 'v4-query');
    assert.equal(sig.expiresIn, 300);
    assert.deepEqual(sig.signedHeaders, ['host']);
    assert.equal(verifySignature(req, sig, SK), true);
    assert.equal(verifySignature(req, sig, 'other'), false);
  });

  it('encodes every character as the SDK does (UTF-8, reserved, RFC 3986 sub-delims)', async () => {
    const req = await smithyPresigned(SIGNED_AT, 300, { 'Filter.1.Value.1': 'é☃ /?#&=+%;,$@[]:!\'()*~', 'Filter.1.Name': '🚀' });
    assert.equal(verifySignature(req, parseSignature(req), SK), true);
  });

  it('accepts the URL with GET or an empty-bodied POST, whichever method was signed', async () => {
    const req = await smithyPresigned();
    assert.equal(verifySignature({ ...req, method: 'POST' }, parseSignature(req), SK), true);
    assert.equal(verifySignature({ ...req, method: 'PUT' }, parseSignature(req), SK), false);
    // ...but header-signed requests keep their method.
    const post = await smithyPost();
    assert.equal(verifySignature({ ...post, method: 'GET' }, parseSignature(post), SK), false);
  });

  it('rejects a changed parameter and a body smuggled with UNSIGNED-PAYLOAD', async () => {
    const req = await smithyPresigned();
    const changed = { ...req, rawQuery: req.rawQuery.replace('DescribeRegions', 'DescribeImages') };
    assert.equal(verifySignature(changed, parseSignature(changed), SK), false);
    const smuggled = { ...req, method: 'GET', body: Buffer.from('Action=TerminateInstances'), headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
    assert.equal(verifySignature(smuggled, parseSignature(smuggled), SK), false);
  });
});

describe('@aws-sdk/client-ec2 end to end', () => {
  for (const endpoint of ['http://localhost:8788', 'http://localhost:8788/services/Cloud']) {
    it(`verifies a DescribeRegions call to ${endpoint}`, async () => {
      let captured: { method: string; path: string; headers: Record<string, string>; body: string; port?: number; hostname: string } | undefined;
      const client = new EC2Client({
        region: 'us-east-1',
        endpoint,
        maxAttempts: 1,
        credentials: { accessKeyId: AK, secretAccessKey: SK },
        requestHandler: {
          handle: async (request: typeof captured) => {
            captured = request;
            throw new Error('captured');
          },
        } as never,
      });
      await assert.rejects(client.send(new DescribeRegionsCommand({ RegionNames: ['us east', 'eu~1'] })), /captured/);
      assert.ok(captured);
      const req = incoming(captured.method, `http://${captured.hostname}:${captured.port}${captured.path}`, captured.headers, captured.body);
      assert.equal(verifySignature(req, parseSignature(req), SK), true);
    });
  }
});

describe('botocore (boto3 / aws-cli v1)', () => {
  type Signed = { method: string; url: string; headers: Record<string, string>; body: string };
  const cases = [
    { name: 'SigV4Auth POST form body', kind: 'v4', url: 'http://localhost:8788/', params: { Action: 'DescribeRegions', Version: '2016-11-15', 'Filter.1.Value.1': 'a b~*/+' } },
    { name: 'SigV4Auth POST with a path', kind: 'v4', url: 'http://localhost:8788/services/Cloud/', params: { Action: 'DescribeRegions', Version: '2016-11-15' } },
    { name: 'SigV4QueryAuth GET', kind: 'v4query', url: 'http://localhost:8788/', params: { Action: 'DescribeRegions', Version: '2016-11-15', X: 'a b~*!' } },
    { name: 'SigV2Auth POST', kind: 'v2', url: 'http://localhost:8788/', params: { Action: 'DescribeRegions', Version: '2016-11-15', 'RegionName.1': 'us east/1' } },
    { name: 'SigV2Auth POST, empty path', kind: 'v2', url: 'http://localhost:8788', params: { Action: 'DescribeRegions', Version: '2016-11-15' } },
    { name: 'client (aws-cli style endpoint "/")', kind: 'client-v4', op: 'describe_regions', url: 'http://localhost:8788/', params: { RegionNames: ['us east'] } },
    { name: 'client, endpoint without path', kind: 'client-v4', op: 'describe_regions', url: 'http://localhost:8788', params: {} },
    { name: 'client, SigV2, mixed-case host and path', kind: 'client-v2', op: 'describe_regions', url: 'https://Example.COM:8443/services/Cloud/', params: {} },
    // Without HttpMethod botocore signs the model's method (POST) for a URL meant for GET.
    { name: 'client generate_presigned_url (signed as POST, fetched with GET)', kind: 'client-presign', url: 'http://localhost:8788/', params: { RegionNames: ['us-east-1', 'a b'] } },
    { name: "client generate_presigned_url(HttpMethod='GET')", kind: 'client-presign', httpMethod: 'GET', url: 'http://localhost:8788/', params: { RegionNames: ['us-east-1'] } },
  ];
  const script = `
import json, sys
import botocore.session
from botocore.auth import SigV4Auth, SigV4QueryAuth, SigV2Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.config import Config

class Captured(Exception):
    def __init__(self, req): self.req = req

def dump(p):
    body = p.body or b''
    if isinstance(body, str): body = body.encode()
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in p.headers.items()}
    return {'method': p.method, 'url': p.url, 'headers': headers, 'body': body.decode()}

out = []
for c in json.load(sys.stdin):
    creds = Credentials(c['ak'], c['sk'])
    kind = c['kind']
    form = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
    if kind.startswith('client-'):
        retries = {'max_attempts': 0}
        cfg = Config(signature_version='v2', retries=retries) if kind == 'client-v2' else Config(retries=retries)
        client = botocore.session.get_session().create_client(
            'ec2', region_name='us-east-1', endpoint_url=c['url'],
            aws_access_key_id=c['ak'], aws_secret_access_key=c['sk'], config=cfg)
        if kind == 'client-presign':
            url = client.generate_presigned_url('describe_regions', Params=c['params'], ExpiresIn=300, HttpMethod=c.get('httpMethod'))
            out.append({'method': 'GET', 'url': url, 'headers': {}, 'body': ''})
            continue
        def hook(request, **kw): raise Captured(request)
        client.meta.events.register('before-send', hook)
        try:
            getattr(client, c['op'])(**c['params'])
        except Captured as e:
            out.append(dump(e.req))
        continue
    if kind == 'v4':
        r = AWSRequest(method='POST', url=c['url'], data=c['params'], headers=form)
        SigV4Auth(creds, 'ec2', 'us-east-1').add_auth(r)
    elif kind == 'v4query':
        r = AWSRequest(method='GET', url=c['url'], params=c['params'])
        SigV4QueryAuth(creds, 'ec2', 'us-east-1', expires=300).add_auth(r)
    else:
        r = AWSRequest(method='POST', url=c['url'], data=dict(c['params']), headers=form)
        SigV2Auth(creds).add_auth(r)
    out.append(dump(r.prepare()))
print(json.dumps(out))
`;
  let signed: Signed[] = [];
  before(() => {
    const input = JSON.stringify(cases.map((c) => ({ ...c, ak: AK, sk: SK })));
    signed = JSON.parse(execFileSync('python3.11', ['-c', script], { input, encoding: 'utf8' }));
    assert.equal(signed.length, cases.length);
  });

  cases.forEach((c, i) => {
    it(`verifies ${c.name}`, () => {
      const s = signed[i];
      const req = incoming(s.method, s.url, s.headers, s.body);
      const sig = parseSignature(req);
      assert.equal(sig.version, c.kind === 'v2' || c.kind === 'client-v2' ? 'v2' : c.kind.includes('pres') || c.kind === 'v4query' ? 'v4-query' : 'v4-header');
      assert.equal(sig.accessKeyId, AK);
      checkFreshness(sig, new Date());
      assert.equal(verifySignature(req, sig, SK), true);
      assert.equal(verifySignature(req, sig, `${SK}x`), false);
      if (req.body.length) {
        const tampered = { ...req, body: Buffer.from(`${s.body}&DryRun=true`) };
        tampered.params = { ...req.params, DryRun: 'true' };
        assert.equal(verifySignature(tampered, parseSignature(tampered), SK), false);
      }
    });
  });
});

describe('SigV2 details', () => {
  const v2 = (params: Record<string, string>, host = 'localhost:8788'): IncomingRequest => ({
    method: 'POST', path: '/', rawQuery: '', headers: { host }, body: Buffer.alloc(0),
    params: { Action: 'DescribeRegions', AWSAccessKeyId: AK, SignatureVersion: '2', SignatureMethod: 'HmacSHA256', ...params },
  });

  it('parses Timestamp with and without millis / zone', () => {
    for (const ts of ['2026-11-26T16:00:00Z', '2026-11-26T16:00:00.000Z', '2026-11-26T16:00:00', '2026-11-26T17:00:00+01:00']) {
      const sig = parseSignature(v2({ Timestamp: ts, Signature: 'x' }));
      assert.equal(sig.date.toISOString(), SIGNED_AT.toISOString(), ts);
    }
  });

  it('rejects other signature versions and methods', () => {
    throwsCode(() => parseSignature(v2({ SignatureVersion: '1', Timestamp: '2026-11-26T16:00:00Z', Signature: 'x' })), 'AuthFailure', /version 1/);
    throwsCode(() => parseSignature(v2({ SignatureVersion: '0', Timestamp: '2026-11-26T16:00:00Z', Signature: 'x' })), 'AuthFailure');
    throwsCode(() => parseSignature(v2({ SignatureMethod: 'HmacMD5', Timestamp: '2026-11-26T16:00:00Z', Signature: 'x' })), 'IncompleteSignature', /HmacMD5/);
    throwsCode(() => parseSignature(v2({ Signature: 'x' })), 'IncompleteSignature', /Timestamp/);
  });
});

describe('freshness', () => {
  it('header SigV4: 14 minutes either way is fine, 16 is not', async () => {
    const sig = parseSignature(await smithyPost());
    checkFreshness(sig, minutes(14));
    checkFreshness(sig, minutes(-14));
    throwsCode(() => checkFreshness(sig, minutes(16)), 'RequestExpired', /Signature expired: 20261126T160000Z is now earlier than 20261126T160100Z/);
    // Signed 16 minutes in the server's future.
    throwsCode(() => checkFreshness(sig, minutes(-16)), 'RequestExpired', /Signature not yet current: 20261126T160000Z is still later than/);
  });

  it('presigned: valid until X-Amz-Expires, not before the signing date minus skew', async () => {
    const sig = parseSignature(await smithyPresigned(SIGNED_AT, 3600));
    checkFreshness(sig, minutes(59));
    throwsCode(() => checkFreshness(sig, minutes(61)), 'RequestExpired', /expired/);
    throwsCode(() => checkFreshness(sig, minutes(-16)), 'RequestExpired', /not yet current/);
  });

  it('presigned: X-Amz-Expires must be 1..604800', async () => {
    const req = await smithyPresigned(SIGNED_AT, 300);
    for (const bad of ['0', '604801', 'abc', '-5']) {
      const r = { ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=300', `X-Amz-Expires=${bad}`) };
      throwsCode(() => parseSignature(r), 'IncompleteSignature', /X-Amz-Expires/);
    }
  });

  it('SigV2 Timestamp: 15-minute window; Expires: deadline', () => {
    const base = { method: 'POST', path: '/', rawQuery: '', headers: { host: 'h' }, body: Buffer.alloc(0) };
    const p = { AWSAccessKeyId: AK, SignatureVersion: '2', SignatureMethod: 'HmacSHA1', Signature: 'x' };
    const ts = parseSignature({ ...base, params: { ...p, Timestamp: '2026-11-26T16:00:00Z' } });
    checkFreshness(ts, minutes(14));
    throwsCode(() => checkFreshness(ts, minutes(16)), 'RequestExpired', /2026-11-26T16:00:00Z/);
    throwsCode(() => checkFreshness(ts, minutes(-16)), 'RequestExpired', /not yet current/);
    const ex = parseSignature({ ...base, params: { ...p, Expires: '2026-11-26T16:00:00Z' } });
    assert.equal(ex.expires, true);
    checkFreshness(ex, minutes(-60));
    throwsCode(() => checkFreshness(ex, minutes(1)), 'RequestExpired', /Request has expired/);
  });
});

describe('parse errors', () => {
  const base: IncomingRequest = { method: 'POST', path: '/', rawQuery: '', headers: { host: 'h' }, body: Buffer.from(BODY), params: { Action: 'DescribeRegions' } };

  it('no signature at all → MissingAuthenticationToken', () => {
    throwsCode(() => parseSignature(base), 'MissingAuthenticationToken');
  });

  it('garbage Authorization header → IncompleteSignature', () => {
    for (const h of ['garbage', 'Bearer abc', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/ec2/aws4_request, nonsense']) {
      throwsCode(() => parseSignature({ ...base, headers: { ...base.headers, authorization: h, 'x-amz-date': '20261126T160000Z' } }), 'IncompleteSignature');
    }
  });

  it('names what is missing from the Authorization header', () => {
    const auth = 'AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/ec2/aws4_request, SignedHeaders=host';
    throwsCode(() => parseSignature({ ...base, headers: { ...base.headers, authorization: auth } }), 'IncompleteSignature', /'Signature'.*'X-Amz-Date' or a 'Date'/);
  });

  it('credential scope with a wrong part count or terminator → IncompleteSignature', () => {
    const mk = (cred: string, date = '20261126T160000Z') => ({
      ...base,
      headers: { ...base.headers, 'x-amz-date': date, authorization: `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=host;x-amz-date, Signature=abc` },
    });
    throwsCode(() => parseSignature(mk('AK/20261126/us-east-1/aws4_request')), 'IncompleteSignature', /Credential/);
    throwsCode(() => parseSignature(mk('AK/20261126/us-east-1/ec2/x/aws4_request')), 'IncompleteSignature', /Credential/);
    throwsCode(() => parseSignature(mk('AK/20261126/us-east-1/ec2/aws5_request')), 'IncompleteSignature', /terminator/);
    throwsCode(() => parseSignature(mk('AK/20261125/us-east-1/ec2/aws4_request')), 'IncompleteSignature', /Date in Credential scope/);
    throwsCode(() => parseSignature(mk('AK/20261126/us-east-1/ec2/aws4_request', '2026-11-26T16:00:00Z')), 'IncompleteSignature', /X-Amz-Date/);
    assert.equal(parseSignature(mk('AK/20261126/us-east-1/ec2/aws4_request')).accessKeyId, 'AK');
  });

  it('presigned query with missing pieces or another algorithm → IncompleteSignature', () => {
    const q = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261126%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=abc';
    throwsCode(() => parseSignature({ ...base, rawQuery: q }), 'IncompleteSignature', /X-Amz-Date/);
    throwsCode(
      () => parseSignature({ ...base, rawQuery: `${q.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')}&X-Amz-Date=20261126T160000Z` }),
      'IncompleteSignature',
      /X-Amz-Algorithm/,
    );
  });
});
