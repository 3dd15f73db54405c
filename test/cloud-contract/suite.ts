/**
 * The provider contract: the same tests for every CloudProvider, so the embedded
 * cloud is held to a real OpenStack's behaviour. Runners: local.test.ts (every
 * test run) and openstack.test.ts (npm run test:openstack, against the test cloud).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isProviderError } from '../../src/cloud/errors.js';
import type { CloudContext, CloudProvider } from '../../src/cloud/provider.js';
import { generateKeyPair } from '../../src/kit/key-material.js';

export interface ContractTarget {
  provider: CloudProvider;
  /** Contexts of two different projects in the same region. */
  a: CloudContext;
  b: CloudContext;
  close(): Promise<void>;
}

export function runCloudContract(name: string, create: () => Promise<ContractTarget>) {
  describe(`cloud provider contract: ${name}`, () => {
    let t: ContractTarget;
    const suffix = randomBytes(4).toString('hex');
    const created: [CloudContext, string][] = [];
    before(async () => { t = await create(); });
    after(async () => {
      for (const [ctx, keyName] of created) await t.provider.compute.deleteKeyPair(ctx, keyName).catch(() => undefined);
      await t.close();
    });
    const rsa = generateKeyPair('rsa', 'pem', 'contract').publicKeyOpenSsh;
    const ed = generateKeyPair('ed25519', 'pem', 'contract').publicKeyOpenSsh;

    test('key pairs: import, get, list, delete', async () => {
      const keyName = `contract-${suffix}-rsa`;
      created.push([t.a, keyName]);
      const rec = await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      assert.equal(rec.name, keyName);
      assert.equal(rec.publicKey.split(' ').slice(0, 2).join(' '), rsa.split(' ').slice(0, 2).join(' '));
      assert.equal(rec.type, 'ssh');
      const got = await t.provider.compute.getKeyPair(t.a, keyName);
      assert.equal(got?.name, keyName);
      assert.ok(got?.createdAt instanceof Date && !Number.isNaN(got.createdAt.getTime()), 'getKeyPair gives the creation time');
      const list = await t.provider.compute.listKeyPairs(t.a);
      assert.ok(list.some((k) => k.name === keyName && k.publicKey.startsWith('ssh-rsa ')));
      await t.provider.compute.deleteKeyPair(t.a, keyName);
      assert.equal(await t.provider.compute.getKeyPair(t.a, keyName), undefined);
      assert.ok(!(await t.provider.compute.listKeyPairs(t.a)).some((k) => k.name === keyName));
    });

    test('key pairs: ed25519 keys are accepted', async () => {
      const keyName = `contract-${suffix}-ed`;
      created.push([t.a, keyName]);
      const rec = await t.provider.compute.importKeyPair(t.a, keyName, ed);
      assert.ok(rec.publicKey.startsWith('ssh-ed25519 '));
      await t.provider.compute.deleteKeyPair(t.a, keyName);
    });

    test('key pairs: a taken name is a Conflict, a missing one NotFound', async () => {
      const keyName = `contract-${suffix}-dup`;
      created.push([t.a, keyName]);
      await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      await assert.rejects(t.provider.compute.importKeyPair(t.a, keyName, ed), (e) => isProviderError(e, 'Conflict'));
      await t.provider.compute.deleteKeyPair(t.a, keyName);
      await assert.rejects(t.provider.compute.deleteKeyPair(t.a, keyName), (e) => isProviderError(e, 'NotFound'));
    });

    test('key pairs: an invalid public key is a BadRequest', async () => {
      await assert.rejects(t.provider.compute.importKeyPair(t.a, `contract-${suffix}-bad`, 'ssh-rsa not-a-key'), (e) => isProviderError(e, 'BadRequest'));
    });

    test('key pairs: projects do not see each other', async () => {
      const keyName = `contract-${suffix}-iso`;
      created.push([t.a, keyName], [t.b, keyName]);
      await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      assert.equal(await t.provider.compute.getKeyPair(t.b, keyName), undefined);
      assert.ok(!(await t.provider.compute.listKeyPairs(t.b)).some((k) => k.name === keyName));
      await assert.rejects(t.provider.compute.deleteKeyPair(t.b, keyName), (e) => isProviderError(e, 'NotFound'));
      // the same name is free in the other project
      await t.provider.compute.importKeyPair(t.b, keyName, ed);
      assert.ok((await t.provider.compute.getKeyPair(t.a, keyName))?.publicKey.startsWith('ssh-rsa '));
    });

    test('availability zones', async () => {
      const zones = await t.provider.compute.listAvailabilityZones(t.a);
      assert.ok(zones.length > 0);
      for (const z of zones) {
        assert.equal(typeof z.name, 'string');
        assert.equal(typeof z.available, 'boolean');
      }
      assert.ok(zones.some((z) => z.available));
    });

    test('quotas', async () => {
      const c = await t.provider.compute.getQuotas(t.a);
      const n = await t.provider.network.getQuotas(t.a);
      for (const v of [c.instances, c.cores, c.ramMb, c.keyPairs, n.floatingIps, n.securityGroups, n.securityGroupRules, n.ports]) {
        assert.ok(Number.isInteger(v) && v >= -1, `quota ${v}`);
      }
    });

    test('regions include the region in use', async () => {
      const { mode, regions } = await t.provider.identity.listRegions(t.a);
      assert.ok(mode === 'open' || mode === 'fixed');
      assert.ok(regions.some((r) => r.name === t.a.region));
    });
  });
}
