/**
 * What only a real OpenStack shows: key pairs made with the openstack CLI appear
 * in EC2 with ids assigned on first sight; a steady client costs no Keystone call
 * per request; Keystone EC2 credentials work through aws-cli too.
 * Runs with npm run test:openstack (EC2API_TEST_BACKEND=openstack).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateTagsCommand, DeleteKeyPairCommand, DescribeKeyPairsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { generateKeyPair, parsePublicKey } from '../../src/kit/key-material.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, TEST_BACKEND, TESTCLOUD_DIR, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const openstackCli = (cloud: string, args: string[]) =>
  run('openstack', ['--os-cloud', cloud, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
  });

describe('OpenStack backend, real cloud', { skip: TEST_BACKEND !== 'openstack' && 'runs with npm run test:openstack' }, () => {
  let s: TestServer;
  const suffix = randomBytes(3).toString('hex');
  before(async () => { s = await startTestServer(); });
  after(async () => { await s?.close(); });

  test('a key pair made with the openstack CLI appears with an EC2 id, can be tagged, and goes when deleted there', async () => {
    const name = `oscli-${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'oscli-'));
    const pub = generateKeyPair('ed25519', 'pem', name).publicKeyOpenSsh;
    writeFileSync(join(dir, 'k.pub'), `${pub}\n`);
    await openstackCli('demo', ['keypair', 'create', '--public-key', join(dir, 'k.pub'), name]);
    try {
      const first = await s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] }));
      const key = first.KeyPairs?.[0];
      assert.match(key?.KeyPairId ?? '', /^key-[0-9a-f]{17}$/);
      assert.equal(key?.KeyType, 'ed25519');
      assert.equal(key?.KeyFingerprint, parsePublicKey(pub).fingerprint);
      const again = await s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] }));
      assert.equal(again.KeyPairs?.[0].KeyPairId, key?.KeyPairId, 'the id is stable');
      await s.client().send(new CreateTagsCommand({ Resources: [key!.KeyPairId!], Tags: [{ Key: 'origin', Value: 'cli' }] }));
      const tags = await s.client().send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [key!.KeyPairId!] }] }));
      assert.deepEqual(tags.Tags?.map((t) => [t.Key, t.Value]), [['origin', 'cli']]);
      // the other project sees nothing of it
      await expectEc2Error(s.client(s.beta).send(new DescribeKeyPairsCommand({ KeyNames: [name] })), 'InvalidKeyPair.NotFound');
      await openstackCli('demo', ['keypair', 'delete', name]);
      await expectEc2Error(s.client().send(new DescribeKeyPairsCommand({ KeyNames: [name] })), 'InvalidKeyPair.NotFound');
      const left = await s.client().send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [key!.KeyPairId!] }] }));
      assert.deepEqual(left.Tags, []);
    } finally {
      await openstackCli('demo', ['keypair', 'delete', name]).catch(() => undefined);
    }
  });

  test('a key pair made through EC2 is a Nova key pair of the caller', async () => {
    const name = `ec2made-${suffix}`;
    await s.client().send(new (await import('@aws-sdk/client-ec2')).CreateKeyPairCommand({ KeyName: name, KeyType: 'rsa' }));
    try {
      const { stdout } = await openstackCli('demo', ['keypair', 'show', name, '-f', 'json']);
      assert.equal(JSON.parse(stdout).name, name);
      await assert.rejects(openstackCli('alt', ['keypair', 'show', name]));
    } finally {
      await s.client().send(new DeleteKeyPairCommand({ KeyName: name }));
    }
    await assert.rejects(openstackCli('demo', ['keypair', 'show', name]));
  });

  test('a steady client costs no Keystone call per request', async () => {
    const ec2 = s.client();
    await ec2.send(new DescribeKeyPairsCommand({})); // warm: secret and token cached
    const count = async (service: string) => {
      const text = await s.app.metrics.text();
      return text.split('\n').filter((l) => l.startsWith('ec2api_upstream_requests_total{') && l.includes(`service="${service}"`))
        .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
    };
    const [identityBefore, computeBefore] = [await count('identity'), await count('compute')];
    for (let i = 0; i < 10; i++) await ec2.send(new DescribeKeyPairsCommand({}));
    assert.equal(await count('identity') - identityBefore, 0, 'no Keystone calls');
    assert.equal(await count('compute') - computeBefore, 10, 'one Nova call per DescribeKeyPairs');
  });

  test('aws-cli with the Keystone EC2 credentials', async () => {
    const r = await s.cli(['describe-availability-zones']);
    assert.ok(r.ok, r.stderr);
    assert.ok((r.json as { AvailabilityZones: { ZoneName: string }[] }).AvailabilityZones.some((z) => z.ZoneName === 'nova'));
  });
});
