/**
 * Upstream failures become the right EC2 errors: the OpenStack backend against a
 * stub Keystone/Nova/Neutron that answers what a real cloud cannot be made to
 * answer on demand. (Conflicts and real policy answers are also exercised against
 * the real test cloud in test/openstack/.)
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type AccountAttributeName,
  CreateKeyPairCommand, DescribeAccountAttributesCommand, DescribeAvailabilityZonesCommand, DescribeKeyPairsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { expectEc2Error } from '../helpers/expect.js';
import { startStubbedServer, type StubCloud } from '../helpers/stub-openstack.js';
import type { TestServer } from '../helpers/server.js';

let stub: StubCloud;
let s: TestServer;
let ec2: EC2Client;

let close: () => Promise<void>;

before(async () => {
  ({ stub, s, ec2, close } = await startStubbedServer('stub'));
});
after(() => close());
beforeEach(() => {
  stub.keystoneDown = false;
  stub.credentialsForbidden = false;
  stub.revoked = false;
  stub.ec2tokensStatus = 200;
  stub.calls.length = 0;
  stub.tokens.length = 0;
});

describe('upstream error mapping (OpenStack backend, stub cloud)', () => {
  test('a healthy answer works end to end', async () => {
    stub.handler = (m, p) => (m === 'GET' && p === '/compute/v2.1/os-availability-zone'
      ? { status: 200, body: { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }, { zoneName: 'internal', zoneState: { available: true } }] } }
      : { status: 404 });
    const r = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(r.AvailabilityZones?.map((z) => z.ZoneName), ['nova']);
  });

  test('Nova 409 on a key pair name → InvalidKeyPair.Duplicate', async () => {
    stub.handler = (m, p) => (m === 'POST' && p === '/compute/v2.1/os-keypairs'
      ? { status: 409, body: { conflictingRequest: { code: 409, message: 'Key pair \'k\' already exists.' } } }
      : { status: 200, body: { keypairs: [] } });
    await expectEc2Error(ec2.send(new CreateKeyPairCommand({ KeyName: 'k' })), 'InvalidKeyPair.Duplicate', { status: 400 });
  });

  test('Nova quota answer (403 "Quota exceeded") → ResourceLimitExceeded', async () => {
    stub.handler = (m) => (m === 'POST'
      ? { status: 403, body: { forbidden: { code: 403, message: 'Quota exceeded, too many key pairs.' } } }
      : { status: 200, body: { keypairs: [] } });
    await expectEc2Error(ec2.send(new CreateKeyPairCommand({ KeyName: 'q' })), 'ResourceLimitExceeded', { status: 400 });
  });

  test('Nova 413 over limit → ResourceLimitExceeded', async () => {
    stub.handler = () => ({ status: 413, body: { overLimit: { code: 413, message: 'Over limit' } } });
    await expectEc2Error(ec2.send(new CreateKeyPairCommand({ KeyName: 'q2' })), 'ResourceLimitExceeded');
  });

  test('Nova 403 by policy → UnauthorizedOperation', async () => {
    stub.handler = () => ({ status: 403, body: { forbidden: { code: 403, message: 'Policy doesn\'t allow os_compute_api:os-keypairs:index to be performed.' } } });
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'UnauthorizedOperation', { status: 403 });
  });

  test('Nova 401 → AuthFailure, and the next request gets a new token', async () => {
    stub.handler = () => ({ status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.' } } });
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401 });
    stub.handler = () => ({ status: 200, body: { keypairs: [] } });
    stub.calls.length = 0;
    await ec2.send(new DescribeKeyPairsCommand({}));
    assert.ok(stub.calls.includes('identity POST /identity/v3/ec2tokens'), stub.calls.join('\n'));
  });

  test('Nova 5xx → Unavailable (503), request id in the message', async () => {
    stub.handler = () => ({ status: 500, body: { computeFault: { code: 500, message: 'boom' } } });
    const err = await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'Unavailable', { status: 503 });
    assert.match(err.message ?? '', /request [0-9a-f-]{36}/);
  });

  test('a Nova that does not answer in time → Unavailable within the timeout', async () => {
    stub.handler = () => ({ status: 200, body: { keypairs: [] }, delayMs: 3000 });
    const t = Date.now();
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'Unavailable', { status: 503 });
    assert.ok(Date.now() - t < 2900, 'answered before the upstream did');
  });

  test('Neutron failing → the error, not a partial answer', async () => {
    stub.handler = (_m, p) => (p.startsWith('/compute') ? { status: 200, body: { quota_set: { instances: 10, cores: 20, ram: 51200, key_pairs: 100 } } } : { status: 503, body: {} });
    await expectEc2Error(ec2.send(new DescribeAccountAttributesCommand({})), 'Unavailable', { status: 503 });
    stub.handler = (_m, p) => (p.startsWith('/compute')
      ? { status: 200, body: { quota_set: { instances: 10, cores: 20, ram: 51200, key_pairs: 100 } } }
      : { status: 200, body: { quota: { floatingip: 7, security_group: 10, security_group_rule: 100, port: 50 } } });
    const r = await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['max-instances', 'max-elastic-ips'] as unknown as AccountAttributeName[] }));
    assert.deepEqual(r.AccountAttributes?.map((a) => [a.AttributeName, a.AttributeValues?.[0].AttributeValue]), [['max-instances', '10'], ['max-elastic-ips', '7']]);
  });

  test('Keystone down → Unavailable (503), never a hang', async () => {
    stub.keystoneDown = true;
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'Unavailable', { status: 503, message: /authentication service/ });
  });

  test('unknown access key → AuthFailure; wrong secret → SignatureDoesNotMatch', async () => {
    const stranger = new EC2Client({ endpoint: s.endpoint, region: 'RegionOne', maxAttempts: 1, credentials: { accessKeyId: 'b'.repeat(32), secretAccessKey: 'x' } });
    await expectEc2Error(stranger.send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401 });
    const wrong = new EC2Client({ endpoint: s.endpoint, region: 'RegionOne', maxAttempts: 1, credentials: { accessKeyId: stub.access, secretAccessKey: 'wrong' } });
    await expectEc2Error(wrong.send(new DescribeKeyPairsCommand({})), 'SignatureDoesNotMatch', { status: 403 });
    stranger.destroy();
    wrong.destroy();
  });

  test('an unknown region in the signing scope → AuthFailure naming it', async () => {
    const elsewhere = new EC2Client({ endpoint: s.endpoint, region: 'RegionTwo', maxAttempts: 1, credentials: { accessKeyId: stub.access, secretAccessKey: stub.secret } });
    await expectEc2Error(elsewhere.send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401, message: /RegionTwo/ });
    elsewhere.destroy();
  });

  test('the caller\'s token, not the service\'s, is sent to Nova', async () => {
    stub.handler = () => ({ status: 200, body: { keypairs: [] } });
    stub.tokens.length = 0;
    await ec2.send(new DescribeKeyPairsCommand({}));
    assert.ok(stub.calls.includes('compute GET /v2.1/os-keypairs'));
    assert.deepEqual(stub.tokens, ['user-token']);
  });
});

describe('Keystone credential handling (stub cloud)', () => {
  test('without leave to read secrets, every request is verified by /v3/ec2tokens', async () => {
    stub.credentialsForbidden = true;
    stub.handler = () => ({ status: 200, body: { keypairs: [] } });
    for (let i = 0; i < 3; i++) await ec2.send(new DescribeKeyPairsCommand({}));
    assert.equal(stub.calls.filter((c) => c === 'identity POST /identity/v3/ec2tokens').length, 3);
    stub.ec2tokensStatus = 401; // Keystone says the signature is wrong
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'SignatureDoesNotMatch', { status: 403 });
    stub.ec2tokensStatus = 404; // Keystone does not know the access key
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401 });
  });

  test('a deleted credential stops working once the secret cache expires (credential_cache_ttl = 0 here: at once)', async () => {
    stub.handler = () => ({ status: 200, body: { keypairs: [] } });
    await ec2.send(new DescribeKeyPairsCommand({})); // the caller's token is now cached
    stub.revoked = true;
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({})), 'AuthFailure', { status: 401 });
  });

  test('with leave to read secrets, a wrong signature is refused without asking ec2tokens', async () => {
    stub.handler = () => ({ status: 200, body: { keypairs: [] } });
    const wrong = new EC2Client({ endpoint: s.endpoint, region: 'RegionOne', maxAttempts: 1, credentials: { accessKeyId: stub.access, secretAccessKey: 'not-it' } });
    await expectEc2Error(wrong.send(new DescribeKeyPairsCommand({})), 'SignatureDoesNotMatch', { status: 403 });
    assert.ok(!stub.calls.includes('identity POST /identity/v3/ec2tokens'));
    wrong.destroy();
  });
});
