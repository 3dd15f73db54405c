/**
 * Authentication and isolation through the running server: SigV4 (header and
 * presigned), SigV2 (botocore), clock skew, bad credentials, missing signatures;
 * projects and regions never see each other's resources.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateKeyPairCommand, CreateTagsCommand, DeleteKeyPairCommand, DescribeKeyPairsCommand, DescribeRegionsCommand,
  DescribeTagsCommand, type EC2Client, type KeyPairInfo,
} from '@aws-sdk/client-ec2';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credential } from '../../src/store/store.js';
import { deleteRunKeyPairs, newRunId } from '../helpers/cleanup.js';
import { expectEc2Error } from '../helpers/expect.js';
import { rawRequest, startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

let s: TestServer;
/** In every key name this run makes: OpenStack keeps the projects' key pairs between runs. */
const runId = newRunId();
before(async () => { s = await startTestServer(); });
after(async () => {
  try {
    await deleteRunKeyPairs([s.client(s.alpha), s.client(s.beta)], runId);
  } finally {
    await s.close();
  }
});

const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const message = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '';
const MIN = 60_000;

interface SignOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  service?: string;
  signingDate?: Date;
  method?: 'GET' | 'POST';
}

function signer(o: SignOptions) {
  return new SignatureV4({
    service: o.service ?? 'ec2', region: o.region ?? s.region, sha256: Sha256,
    credentials: { accessKeyId: o.accessKeyId ?? s.alpha.accessKey, secretAccessKey: o.secretAccessKey ?? s.alpha.secret },
  });
}

function httpRequest(params: Record<string, string>, method: 'GET' | 'POST') {
  const url = new URL(s.endpoint);
  return {
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
    headers: { host: url.host, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } as Record<string, string>,
    query: method === 'GET' ? params : {},
    body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
  };
}

/** A SigV4 Authorization-header request, signed as the SDK would but with any key, region or date. */
async function signedQuery(params: Record<string, string>, o: SignOptions = {}) {
  const method = o.method ?? 'POST';
  const request = httpRequest(params, method);
  const signed = await signer(o).sign(request, { signingDate: o.signingDate });
  const qs = method === 'GET' ? `?${new URLSearchParams(params)}` : '';
  const res = await fetch(`${s.endpoint}/${qs}`, { method, headers: signed.headers, body: signed.body as string | undefined });
  return { status: res.status, text: await res.text() };
}

/** A presigned URL (SigV4 in the query string), fetched with a plain GET. */
async function presignedGet(params: Record<string, string>, o: SignOptions & { expiresIn?: number } = {}) {
  const presigned = await signer(o).presign(httpRequest(params, 'GET'), { expiresIn: o.expiresIn ?? 300, signingDate: o.signingDate });
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(presigned.query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== null) query.append(k, one);
  }
  assert.ok(query.get('X-Amz-Signature'), 'the URL carries the signature');
  const res = await fetch(`${s.endpoint}/?${query}`, { method: 'GET' });
  return { status: res.status, text: await res.text(), query };
}

/** Runs boto3 (python3.11) against the server; the script prints one JSON line. */
const BOTO = `
import json, os
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
cfg = {'retries': {'max_attempts': 0}}
if os.environ['SIGV'] != 'default':
    cfg['signature_version'] = os.environ['SIGV']
c = boto3.client('ec2', endpoint_url=os.environ['EP'], region_name=os.environ['REGION'],
                 aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'], config=Config(**cfg))
sent = []
def record(request, **kw):
    auth = request.headers.get('Authorization') or b''
    body = request.body or b''
    sent.append({'authorization': auth.decode() if isinstance(auth, bytes) else auth,
                 'body': body.decode() if isinstance(body, bytes) else body})
c.meta.events.register('before-send.ec2', record)
out = {}
try:
    r = c.describe_regions()
    out['regions'] = [x['RegionName'] for x in r['Regions']]
except ClientError as e:
    out['error'] = e.response['Error']
    out['status'] = e.response['ResponseMetadata']['HTTPStatusCode']
out['sent'] = sent
print(json.dumps(out))
`;

interface BotoResult { regions?: string[]; error?: { Code: string; Message: string }; status?: number; sent: { authorization: string; body: string }[] }

async function boto(sigv: 'v2' | 'default', cred: { accessKey: string; secret: string }): Promise<BotoResult> {
  const { stdout } = await run('python3.11', ['-c', BOTO], {
    env: { ...process.env, EP: s.endpoint, REGION: s.region, AK: cred.accessKey, SK: cred.secret, SIGV: sigv, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as BotoResult;
}

/** Records the Authorization header the SDK actually sent. */
function captureAuthorization(client: EC2Client): { value?: string } {
  const seen: { value?: string } = {};
  client.middlewareStack.add((next) => async (args) => {
    const req = args.request as { headers?: Record<string, string> };
    seen.value = req.headers?.authorization;
    return next(args);
  }, { step: 'deserialize', name: 'captureAuthorization' });
  return seen;
}

describe('signatures that succeed', () => {
  test('SigV4 Authorization header (SDK)', async () => {
    const client = s.client();
    const seen = captureAuthorization(client);
    const out = await client.send(new DescribeRegionsCommand({ RegionNames: [s.region] }));
    assert.deepEqual(out.Regions?.map((r) => r.RegionName), [s.region]);
    assert.match(seen.value ?? '', new RegExp(`^AWS4-HMAC-SHA256 Credential=${s.alpha.accessKey}/\\d{8}/${s.region}/ec2/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$`));
  });

  test('SigV4 presigned GET', async () => {
    const r = await presignedGet({ Action: 'DescribeRegions', Version: '2016-11-15', 'RegionName.1': s.region });
    assert.equal(r.status, 200, r.text);
    // Exactly the region asked for: the signed parameter was honoured.
    assert.deepEqual([...r.text.matchAll(/<regionName>([^<]*)<\/regionName>/g)].map((m) => m[1]), [s.region]);
    assert.equal(r.query.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
  });

  test('SigV4 presigned GET: a tampered parameter or an expired URL fails', async () => {
    const presigned = await signer({}).presign(httpRequest({ Action: 'DescribeRegions', Version: '2016-11-15', 'RegionName.1': s.region }, 'GET'), { expiresIn: 300 });
    const query = new URLSearchParams(presigned.query as Record<string, string>);
    query.set('RegionName.1', 'eu-west-1');
    const tampered = await fetch(`${s.endpoint}/?${query}`);
    assert.equal(tampered.status, 403);
    assert.equal(code(await tampered.text()), 'SignatureDoesNotMatch');
    const expired = await presignedGet({ Action: 'DescribeRegions', Version: '2016-11-15' }, { signingDate: new Date(Date.now() - 10 * MIN), expiresIn: 60 });
    assert.equal(expired.status, 400);
    assert.equal(code(expired.text), 'RequestExpired');
  });

  test('SigV2 (boto3 with signature_version v2)', async () => {
    const out = await boto('v2', s.alpha);
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    // SigV2 has no region in its scope: the request runs in the default region, and sees every region the SDK sees.
    const viaSdk = (await s.client().send(new DescribeRegionsCommand({}))).Regions?.map((r) => r.RegionName);
    assert.ok(out.regions?.includes(s.region), JSON.stringify(out.regions));
    assert.deepEqual([...(out.regions ?? [])].sort(), viaSdk?.sort());
    // It really was SigV2: signature parameters in the form body, no Authorization header.
    assert.equal(out.sent.length, 1);
    assert.equal(out.sent[0].authorization, '');
    const body = new URLSearchParams(out.sent[0].body);
    assert.equal(body.get('SignatureVersion'), '2');
    assert.equal(body.get('AWSAccessKeyId'), s.alpha.accessKey);
    assert.ok(body.get('Signature'));
  });

  test('SigV4 via boto3 (default signer)', async () => {
    const out = await boto('default', s.alpha);
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    assert.ok(out.regions?.includes(s.region));
    assert.match(out.sent[0].authorization, /^AWS4-HMAC-SHA256 /);
  });
});

describe('clock skew', () => {
  const params = { Action: 'DescribeRegions', Version: '2016-11-15' };

  test('signed 16 minutes ago → RequestExpired (400)', async () => {
    const r = await signedQuery(params, { signingDate: new Date(Date.now() - 16 * MIN) });
    assert.equal(r.status, 400, r.text);
    assert.equal(code(r.text), 'RequestExpired');
  });

  test('signed 16 minutes in the future → RequestExpired (400)', async () => {
    const r = await signedQuery(params, { signingDate: new Date(Date.now() + 16 * MIN) });
    assert.equal(r.status, 400, r.text);
    assert.equal(code(r.text), 'RequestExpired');
  });

  test('signed 14 minutes ago or ahead → accepted', async () => {
    for (const offset of [-14 * MIN, 14 * MIN]) {
      const r = await signedQuery(params, { signingDate: new Date(Date.now() + offset) });
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, /<DescribeRegionsResponse /);
    }
  });

  test('an expired request has no effect even when its signature is valid', async () => {
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', KeyName: `too-late-${runId}` }, { signingDate: new Date(Date.now() - 20 * MIN) });
    assert.equal(code(r.text), 'RequestExpired');
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [`too-late-${runId}`] })), 'InvalidKeyPair.NotFound');
  });
});

describe('signatures that fail', () => {
  test('unknown access key → AuthFailure (401)', async () => {
    const client = s.client({ ...s.alpha, accessKey: 'AKIAUNKNOWNUNKNOWN00', secret: s.alpha.secret });
    await expectEc2Error(client.send(new DescribeRegionsCommand({})), 'AuthFailure', { status: 401 });
  });

  test('wrong secret → SignatureDoesNotMatch (403)', async () => {
    // Change the last character, whatever it is (a fixed replacement could equal it).
    const last = s.alpha.secret.slice(-1);
    const client = s.client({ ...s.alpha, secret: `${s.alpha.secret.slice(0, -1)}${last === 'x' ? 'y' : 'x'}` });
    await expectEc2Error(client.send(new DescribeRegionsCommand({})), 'SignatureDoesNotMatch', { status: 403 });
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', KeyName: `forged-${runId}` }, { secretAccessKey: 'not-the-secret' });
    assert.equal(r.status, 403);
    assert.equal(code(r.text), 'SignatureDoesNotMatch');
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [`forged-${runId}`] })), 'InvalidKeyPair.NotFound');
  });

  test('boto3 with a wrong secret → SignatureDoesNotMatch (SigV4 and SigV2)', async () => {
    for (const sigv of ['default', 'v2'] as const) {
      const out = await boto(sigv, { accessKey: s.alpha.accessKey, secret: 'wrong-secret' });
      assert.equal(out.error?.Code, 'SignatureDoesNotMatch', `${sigv}: ${JSON.stringify(out)}`);
      assert.equal(out.status, 403);
      assert.equal(out.regions, undefined);
    }
  });

  test('no signature at all → MissingAuthenticationToken, never anonymous access', async () => {
    const post = await rawRequest(s.endpoint, { body: 'Action=DescribeRegions&Version=2016-11-15' });
    // The service answers 401; AWS's common-errors table lists 403. Either is an authentication refusal.
    assert.ok([401, 403].includes(post.status), `${post.status} ${post.text}`);
    assert.equal(code(post.text), 'MissingAuthenticationToken');
    const get = await rawRequest(s.endpoint, { method: 'GET', path: '/?Action=DescribeKeyPairs&Version=2016-11-15' });
    assert.equal(get.status, post.status);
    assert.equal(code(get.text), 'MissingAuthenticationToken');
    assert.doesNotMatch(get.text, /keySet|DescribeKeyPairsResponse/);
    const create = await rawRequest(s.endpoint, { body: `Action=CreateKeyPair&Version=2016-11-15&KeyName=anonymous-${runId}` });
    assert.equal(code(create.text), 'MissingAuthenticationToken');
    const empty = await rawRequest(s.endpoint, { body: 'Action=DescribeRegions&Version=2016-11-15', headers: { authorization: '' } });
    assert.equal(code(empty.text), 'MissingAuthenticationToken');
    for (const cred of [s.alpha, s.beta]) {
      await expectEc2Error(s.client(cred).send(new DescribeKeyPairsCommand({ KeyNames: [`anonymous-${runId}`] })), 'InvalidKeyPair.NotFound');
    }
  });

  test('an access key without a signature is not enough', async () => {
    const r = await rawRequest(s.endpoint, {
      body: `Action=DescribeRegions&Version=2016-11-15&AWSAccessKeyId=${s.alpha.accessKey}&SignatureVersion=2&SignatureMethod=HmacSHA256&Timestamp=${new Date().toISOString()}`,
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(code(r.text), 'IncompleteSignature');
    assert.match(message(r.text), /Signature/);
  });
});

describe('project isolation', () => {
  const shared = `shared-${runId}`;
  let alphaKeyId: string;
  /** What of this test's key pairs (by name or id) a listing shows: the projects may hold others on OpenStack. */
  const ours = (keys: KeyPairInfo[] | undefined) => (keys ?? []).filter((k) => k.KeyName === shared || k.KeyPairId === alphaKeyId);

  before(async () => {
    const created = await s.client(s.alpha).send(new CreateKeyPairCommand({
      KeyName: shared, TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'owner', Value: 'alpha' }] }],
    }));
    alphaKeyId = created.KeyPairId!;
    assert.match(alphaKeyId, /^key-[0-9a-f]{17}$/);
  });

  test("beta's DescribeKeyPairs does not list alpha's key pair", async () => {
    const out = await s.client(s.beta).send(new DescribeKeyPairsCommand({}));
    assert.deepEqual(ours(out.KeyPairs), []);
    const filtered = await s.client(s.beta).send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-pair-id', Values: [alphaKeyId] }] }));
    assert.deepEqual(filtered.KeyPairs ?? [], []);
  });

  test("beta naming alpha's key by name or id → InvalidKeyPair.NotFound", async () => {
    await expectEc2Error(s.client(s.beta).send(new DescribeKeyPairsCommand({ KeyNames: [shared] })), 'InvalidKeyPair.NotFound');
    await expectEc2Error(s.client(s.beta).send(new DescribeKeyPairsCommand({ KeyPairIds: [alphaKeyId] })), 'InvalidKeyPair.NotFound', { message: new RegExp(alphaKeyId) });
  });

  test("beta cannot delete alpha's key pair, by id or by name", async () => {
    await expectEc2Error(s.client(s.beta).send(new DeleteKeyPairCommand({ KeyPairId: alphaKeyId })), 'InvalidKeyPair.NotFound');
    // By name, AWS answers success for a missing key; alpha's key of that name must survive it.
    await s.client(s.beta).send(new DeleteKeyPairCommand({ KeyName: shared }));
    const still = await s.client(s.alpha).send(new DescribeKeyPairsCommand({ KeyPairIds: [alphaKeyId] }));
    assert.equal(still.KeyPairs?.length, 1);
    assert.equal(still.KeyPairs?.[0].KeyName, shared);
  });

  test("beta cannot tag alpha's key pair, nor see its tags", async () => {
    await expectEc2Error(s.client(s.beta).send(new CreateTagsCommand({ Resources: [alphaKeyId], Tags: [{ Key: 'pwned', Value: 'yes' }] })), 'InvalidKeyPair.NotFound');
    const betaTags = await s.client(s.beta).send(new DescribeTagsCommand({}));
    assert.deepEqual((betaTags.Tags ?? []).filter((t) => t.ResourceId === alphaKeyId || t.Key === 'pwned' || t.Key === 'owner'), []);
    const alphaTags = await s.client(s.alpha).send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [alphaKeyId] }] }));
    assert.deepEqual(alphaTags.Tags?.map((t) => [t.Key, t.Value]), [['owner', 'alpha']]);
  });

  test('the same key name is allowed in both projects, as distinct key pairs', async () => {
    const created = await s.client(s.beta).send(new CreateKeyPairCommand({ KeyName: shared }));
    assert.notEqual(created.KeyPairId, alphaKeyId);
    const beta = await s.client(s.beta).send(new DescribeKeyPairsCommand({}));
    assert.deepEqual(ours(beta.KeyPairs).map((k) => [k.KeyName, k.KeyPairId]), [[shared, created.KeyPairId]]);
    const alpha = await s.client(s.alpha).send(new DescribeKeyPairsCommand({ KeyNames: [shared] }));
    assert.deepEqual(alpha.KeyPairs?.map((k) => k.KeyPairId), [alphaKeyId]);
    // Alpha's own duplicate is still refused.
    await expectEc2Error(s.client(s.alpha).send(new CreateKeyPairCommand({ KeyName: shared })), 'InvalidKeyPair.Duplicate');
    // Deleting beta's leaves alpha's.
    await s.client(s.beta).send(new DeleteKeyPairCommand({ KeyPairId: created.KeyPairId }));
    const after = await s.client(s.alpha).send(new DescribeKeyPairsCommand({ KeyNames: [shared] }));
    assert.deepEqual(after.KeyPairs?.map((k) => k.KeyPairId), [alphaKeyId]);
  });
});

describe('regions', () => {
  const alpha = (region: string) => s.client(s.alpha as Credential, region);

  test('a key pair created in the region in use is invisible from eu-west-1', {
    skip: TEST_BACKEND === 'openstack' && 'needs a second region: the OpenStack test cloud has one (RegionOne); signing for any other is AuthFailure (below)',
  }, async () => {
    const regional = `regional-${runId}`;
    const created = await alpha(s.region).send(new CreateKeyPairCommand({
      KeyName: regional, TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'where', Value: s.region }] }],
    }));
    const eu = alpha('eu-west-1');
    const all = await eu.send(new DescribeKeyPairsCommand({}));
    assert.ok(!(all.KeyPairs ?? []).some((k) => k.KeyName === regional || k.KeyPairId === created.KeyPairId));
    await expectEc2Error(eu.send(new DescribeKeyPairsCommand({ KeyNames: [regional] })), 'InvalidKeyPair.NotFound');
    await expectEc2Error(eu.send(new DescribeKeyPairsCommand({ KeyPairIds: [created.KeyPairId!] })), 'InvalidKeyPair.NotFound');
    await expectEc2Error(eu.send(new CreateTagsCommand({ Resources: [created.KeyPairId!], Tags: [{ Key: 'k', Value: 'v' }] })), 'InvalidKeyPair.NotFound');
    const euTags = await eu.send(new DescribeTagsCommand({}));
    assert.ok(!(euTags.Tags ?? []).some((t) => t.ResourceId === created.KeyPairId));

    // The same name in eu-west-1 is a different key pair.
    const euKey = await eu.send(new CreateKeyPairCommand({ KeyName: regional }));
    assert.notEqual(euKey.KeyPairId, created.KeyPairId);
    const here = await alpha(s.region).send(new DescribeKeyPairsCommand({ KeyNames: [regional] }));
    assert.deepEqual(here.KeyPairs?.map((k) => [k.KeyPairId, k.KeyFingerprint]), [[created.KeyPairId, created.KeyFingerprint]]);
    const euList = await eu.send(new DescribeKeyPairsCommand({ KeyNames: [regional] }));
    assert.deepEqual(euList.KeyPairs?.map((k) => [k.KeyPairId, k.KeyFingerprint]), [[euKey.KeyPairId, euKey.KeyFingerprint]]);
    // Deleting by name in eu-west-1 leaves the key of the region in use alone.
    await eu.send(new DeleteKeyPairCommand({ KeyName: regional }));
    await expectEc2Error(eu.send(new DescribeKeyPairsCommand({ KeyNames: [regional] })), 'InvalidKeyPair.NotFound');
    const hereAfter = await alpha(s.region).send(new DescribeKeyPairsCommand({ KeyNames: [regional] }));
    assert.equal(hereAfter.KeyPairs?.[0].KeyPairId, created.KeyPairId);
    await alpha(s.region).send(new DeleteKeyPairCommand({ KeyPairId: created.KeyPairId }));
  });

  test('an unknown region in the signing scope → AuthFailure naming the region, and nothing is created', async () => {
    await expectEc2Error(alpha('moon-1').send(new DescribeRegionsCommand({})), 'AuthFailure', { status: 401, message: /moon-1/ });
    const lunar = `lunar-${runId}`;
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', KeyName: lunar }, { region: 'moon-1' });
    assert.equal(r.status, 401);
    assert.equal(code(r.text), 'AuthFailure');
    assert.match(message(r.text), /moon-1/);
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [lunar] })), 'InvalidKeyPair.NotFound');
  });

  test('a signature scoped to another service → AuthFailure naming it, and nothing is created', async () => {
    const name = `s3scoped-${runId}`;
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', KeyName: name }, { service: 's3' });
    assert.equal(r.status, 401);
    assert.equal(code(r.text), 'AuthFailure');
    assert.match(message(r.text), /not .{0,6}s3/);
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] })), 'InvalidKeyPair.NotFound');
  });

  test('a region the backend does not serve → AuthFailure: an AWS region on OpenStack', {
    skip: TEST_BACKEND !== 'openstack' && 'the embedded cloud serves every AWS region',
  }, async () => {
    await expectEc2Error(alpha('eu-west-1').send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401, message: /eu-west-1/ });
    const r = await signedQuery({ Action: 'DescribeRegions', Version: '2016-11-15' }, { region: 'us-east-1' });
    assert.equal(r.status, 401, r.text);
    assert.equal(code(r.text), 'AuthFailure');
  });
});
