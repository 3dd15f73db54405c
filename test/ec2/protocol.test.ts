/** The wire protocol through the running server: envelopes, errors, parameter validation, DryRun. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyPairCommand, DeleteKeyPairCommand, DeleteTagsCommand, DescribeKeyPairsCommand, DescribeRegionsCommand, DescribeTagsCommand,
  DescribeTransitGatewaysCommand,
} from '@aws-sdk/client-ec2';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { defineAction } from '../../src/actions/registry.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const run = randomBytes(3).toString('hex');
const envelopeKey = `envelope-${run}`;
before(async () => { s = await startTestServer(); });
after(async () => {
  await s.client().send(new DeleteKeyPairCommand({ KeyName: envelopeKey })).catch(() => undefined);
  await s.close();
});

/** Signs a raw Query request as an SDK would and sends it, so tests can send what no SDK sends. */
async function signedQuery(params: Record<string, string>, opts: { method?: 'GET' | 'POST'; path?: string } = {}) {
  const method = opts.method ?? 'POST';
  const url = new URL(s.endpoint);
  const body = new URLSearchParams(params).toString();
  const signer = new SignatureV4({
    service: 'ec2', region: s.region, sha256: Sha256,
    credentials: { accessKeyId: s.alpha.accessKey, secretAccessKey: s.alpha.secret },
  });
  const request = {
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: opts.path ?? '/',
    headers: { host: url.host, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } as Record<string, string>,
    query: method === 'GET' ? params : {},
    body: method === 'POST' ? body : undefined,
  };
  const signed = await signer.sign(request);
  const qs = method === 'GET' ? `?${body}` : '';
  const res = await fetch(`${s.endpoint}${request.path}${qs}`, { method, headers: signed.headers, body: signed.body as string | undefined });
  return { status: res.status, text: await res.text() };
}

const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const message = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '';

describe('response envelope', () => {
  test('success: namespace, requestId first, item lists', async () => {
    const r = await signedQuery({ Action: 'DescribeRegions', Version: '2016-11-15', 'RegionName.1': s.region });
    assert.equal(r.status, 200);
    assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(r.text, new RegExp(`<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>[0-9a-f-]{36}</requestId><regionInfo><item><optInStatus>opt-in-not-required</optInStatus><regionName>${s.region}</regionName><regionEndpoint>http://127\\.0\\.0\\.1:\\d+/?</regionEndpoint></item></regionInfo></DescribeRegionsResponse>$`));
  });

  test('operations without output answer <return>true</return>', async () => {
    await s.client().send(new CreateKeyPairCommand({ KeyName: envelopeKey }));
    const ids = await s.client().send(new DescribeKeyPairsCommand({ KeyNames: [envelopeKey] }));
    const r = await signedQuery({ Action: 'DeleteTags', Version: '2016-11-15', 'ResourceId.1': ids.KeyPairs![0].KeyPairId!, 'Tag.1.Key': 'x' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<DeleteTagsResponse [^>]*><requestId>[^<]+<\/requestId><return>true<\/return><\/DeleteTagsResponse>/);
  });

  test('GET with the query string and any path', async () => {
    const r = await signedQuery({ Action: 'DescribeRegions', Version: '2016-11-15' }, { method: 'GET', path: '/services/Cloud/' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, new RegExp(`<regionName>${s.region}</regionName>`));
  });

  test('error document with RequestID', async () => {
    const r = await signedQuery({ Action: 'DescribeKeyPairs', Version: '2016-11-15', 'KeyName.1': 'missing' });
    assert.equal(r.status, 400);
    assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Errors><Error><Code>InvalidKeyPair.NotFound<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });
});

describe('request errors', () => {
  test('unknown Action → InvalidAction', async () => {
    const r = await signedQuery({ Action: 'DescribeUnicorns', Version: '2016-11-15' });
    assert.equal(r.status, 400);
    assert.equal(code(r.text), 'InvalidAction');
    assert.match(message(r.text), /DescribeUnicorns/);
  });

  test('missing Action → MissingAction', async () => {
    const r = await signedQuery({ Version: '2016-11-15' });
    assert.equal(r.status, 400);
    assert.equal(code(r.text), 'MissingAction');
  });

  test('an operation of the model this service does not implement → UnsupportedOperation', async () => {
    await expectEc2Error(s.client().send(new DescribeTransitGatewaysCommand({})), 'UnsupportedOperation', { status: 400, message: /DescribeTransitGateways/ });
  });

  test('missing required parameter → MissingParameter naming it', async () => {
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15' });
    assert.equal(code(r.text), 'MissingParameter');
    assert.match(message(r.text), /KeyName/);
  });

  test('wrong type → InvalidParameterValue naming the parameter', async () => {
    const r = await signedQuery({ Action: 'DescribeTags', Version: '2016-11-15', MaxResults: 'many' });
    assert.equal(code(r.text), 'InvalidParameterValue');
    assert.match(message(r.text), /MaxResults/);
    const b = await signedQuery({ Action: 'DescribeKeyPairs', Version: '2016-11-15', IncludePublicKey: 'perhaps' });
    assert.equal(code(b.text), 'InvalidParameterValue');
    assert.match(message(b.text), /IncludePublicKey/);
  });

  test('out of range → InvalidParameterValue', async () => {
    await expectEc2Error(s.client().send(new DescribeTagsCommand({ MaxResults: 2 })), 'InvalidParameterValue', { message: /MaxResults/ });
    await expectEc2Error(s.client().send(new DescribeTagsCommand({ MaxResults: 1001 })), 'InvalidParameterValue', { message: /MaxResults/ });
  });

  test('bad enum value → InvalidParameterValue listing the valid values', async () => {
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', KeyName: 'k', KeyType: 'dsa' });
    assert.equal(code(r.text), 'InvalidParameterValue');
    assert.match(message(r.text), /KeyType.*ed25519, rsa/);
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: ['k'] })), 'InvalidKeyPair.NotFound');
  });

  test('unknown parameter → UnknownParameter naming it, also nested', async () => {
    const r = await signedQuery({ Action: 'DescribeRegions', Version: '2016-11-15', RegionNmae: 'x' });
    assert.equal(code(r.text), 'UnknownParameter');
    assert.match(message(r.text), /RegionNmae/);
    const n = await signedQuery({ Action: 'DescribeRegions', Version: '2016-11-15', 'Filter.1.Nme': 'x' });
    assert.equal(code(n.text), 'UnknownParameter');
    assert.match(message(n.text), /Filter\.1\.Nme/);
  });

  test('a parameter the model knows but the action does not implement → Unsupported naming it', async () => {
    // A probe action registered in-process: it implements HostIds only.
    defineAction('DescribeHosts', { supports: ['HostIds'], handler: async (_ctx, input) => ({ Hosts: (input.HostIds ?? []).map((HostId) => ({ HostId })) }) });
    const ok = await signedQuery({ Action: 'DescribeHosts', Version: '2016-11-15', 'HostId.1': 'h-1' });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<hostId>h-1<\/hostId>/);
    const r = await signedQuery({ Action: 'DescribeHosts', Version: '2016-11-15', 'HostId.1': 'h-1', 'Filter.1.Name': 'state', 'Filter.1.Value.1': 'x' });
    assert.equal(r.status, 400);
    assert.equal(code(r.text), 'Unsupported');
    assert.match(message(r.text), /Filter/);
  });

  test('DryRun=true → DryRunOperation (412) and no change', async () => {
    await expectEc2Error(s.client().send(new CreateKeyPairCommand({ KeyName: 'dry', DryRun: true })), 'DryRunOperation', { status: 412 });
    await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: ['dry'] })), 'InvalidKeyPair.NotFound');
    await expectEc2Error(s.client().send(new DescribeRegionsCommand({ DryRun: true })), 'DryRunOperation', { status: 412 });
  });

  test('DryRun with invalid input reports the input error, not DryRunOperation', async () => {
    const r = await signedQuery({ Action: 'CreateKeyPair', Version: '2016-11-15', DryRun: 'true' });
    assert.equal(code(r.text), 'MissingParameter');
  });

  test('DeleteTags without resources → MissingParameter', async () => {
    const r = await signedQuery({ Action: 'DeleteTags', Version: '2016-11-15' });
    assert.equal(code(r.text), 'MissingParameter');
    assert.match(message(r.text), /ResourceId/);
    await expectEc2Error(s.client().send(new DeleteTagsCommand({ Resources: [] })), 'MissingParameter');
  });
});
