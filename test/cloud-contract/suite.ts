/**
 * The provider contract: the same tests for every CloudProvider, so the embedded
 * cloud is held to a real OpenStack's behaviour. Runners: local.test.ts (every
 * test run, on each store dialect) and openstack.test.ts (npm run test:openstack,
 * against the test cloud). What differs between backends (zone names, which
 * regions, how a quota or an image is made) comes from the runner, as facts.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isProviderError } from '../../src/cloud/errors.js';
import type { CloudContext, CloudProvider, ListQuery, Page } from '../../src/cloud/provider.js';
import type { ImageRecord } from '../../src/cloud/records.js';
import { generateKeyPair } from '../../src/kit/key-material.js';

/** The quotas a runner can set for project a: [local] options, or the admin's quota APIs. */
export interface SettableQuotas { instances: number; floatingIps: number; volumes: number; gigabytes: number; snapshots: number }

export interface ContractTarget {
  provider: CloudProvider;
  /** Contexts of two different projects in the same region. */
  a: CloudContext;
  b: CloudContext;
  /** The zones of a's region. */
  zones: string[];
  /** The regions the backend serves, and the endpoint of this service it gives for a's region. */
  regions: { mode: 'open' | 'fixed'; names: string[]; endpoint?: string };
  /**
   * Runs `check` while a project of its own (`ctx`, used by no other test, since test files run at once) has these
   * quotas (local: a provider configured so; OpenStack: the admin project, set by the admin, then restored).
   */
  withQuotas(quotas: SettableQuotas, check: (provider: CloudProvider, ctx: CloudContext) => Promise<void>): Promise<void>;
  /** Makes an image (queued, raw/bare) owned by a, b, or a third project ('admin'), by the backend's own means. */
  createImage(owner: 'a' | 'b' | 'admin', image: { name: string; visibility: 'public' | 'private' }): Promise<string>;
  deleteImage(owner: 'a' | 'b' | 'admin', id: string): Promise<void>;
  close(): Promise<void>;
}

/** Every page of a list, following `next`; checks that only the last page lacks it. */
async function pageThrough<T>(list: (q: ListQuery<never>) => Promise<Page<T>>, query: ListQuery<never>): Promise<T[][]> {
  const pages: T[][] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await list({ ...query, marker });
    assert.ok(query.limit === undefined || page.items.length <= query.limit, 'a page holds at most `limit` items');
    pages.push(page.items);
    if (page.next === undefined) return pages;
    assert.equal(page.items.length, query.limit, 'a page with a next one is full');
    assert.ok(pages.length < 1000, 'paging ends');
    marker = page.next;
  }
}

export function runCloudContract(name: string, create: () => Promise<ContractTarget>) {
  describe(`cloud provider contract: ${name}`, () => {
    let t: ContractTarget;
    const suffix = randomBytes(4).toString('hex');
    const createdKeys: [CloudContext, string][] = [];
    const createdImages: ['a' | 'b' | 'admin', string][] = [];
    before(async () => { t = await create(); });
    after(async () => {
      for (const [ctx, keyName] of createdKeys) await t.provider.compute.deleteKeyPair(ctx, keyName).catch(() => undefined);
      for (const [owner, id] of createdImages) await t.deleteImage(owner, id).catch(() => undefined);
      await t.close();
    });
    const rsa = generateKeyPair('rsa', 'pem', 'contract').publicKeyOpenSsh;
    const ed = generateKeyPair('ed25519', 'pem', 'contract').publicKeyOpenSsh;
    const names = (items: { name: string }[]) => items.map((k) => k.name);

    test('key pairs: import, get, list, delete', async () => {
      const keyName = `contract-${suffix}-rsa`;
      createdKeys.push([t.a, keyName]);
      const rec = await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      assert.equal(rec.name, keyName);
      assert.equal(rec.publicKey.split(' ').slice(0, 2).join(' '), rsa.split(' ').slice(0, 2).join(' '));
      assert.equal(rec.type, 'ssh');
      const got = await t.provider.compute.getKeyPair(t.a, keyName);
      assert.equal(got?.name, keyName);
      assert.equal(got?.type, 'ssh');
      assert.ok(got?.createdAt instanceof Date && !Number.isNaN(got.createdAt.getTime()), 'getKeyPair gives the creation time');
      const list = (await t.provider.compute.listKeyPairs(t.a)).items;
      assert.ok(list.some((k) => k.name === keyName && k.publicKey.startsWith('ssh-rsa ') && k.type === 'ssh'));
      await t.provider.compute.deleteKeyPair(t.a, keyName);
      assert.equal(await t.provider.compute.getKeyPair(t.a, keyName), undefined);
      assert.ok(!(await t.provider.compute.listKeyPairs(t.a)).items.some((k) => k.name === keyName));
    });

    test('key pairs: ed25519 keys are accepted', async () => {
      const keyName = `contract-${suffix}-ed`;
      createdKeys.push([t.a, keyName]);
      const rec = await t.provider.compute.importKeyPair(t.a, keyName, ed);
      assert.ok(rec.publicKey.startsWith('ssh-ed25519 '));
      await t.provider.compute.deleteKeyPair(t.a, keyName);
    });

    test('key pairs: a taken name is a Conflict, a missing one NotFound', async () => {
      const keyName = `contract-${suffix}-dup`;
      createdKeys.push([t.a, keyName]);
      await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      await assert.rejects(t.provider.compute.importKeyPair(t.a, keyName, ed), (e) => isProviderError(e, 'Conflict'));
      assert.ok((await t.provider.compute.getKeyPair(t.a, keyName))?.publicKey.startsWith('ssh-rsa '), 'the first key stays');
      await t.provider.compute.deleteKeyPair(t.a, keyName);
      await assert.rejects(t.provider.compute.deleteKeyPair(t.a, keyName), (e) => isProviderError(e, 'NotFound'));
    });

    test('key pairs: an invalid public key is a BadRequest', async () => {
      await assert.rejects(t.provider.compute.importKeyPair(t.a, `contract-${suffix}-bad`, 'ssh-rsa not-a-key'), (e) => isProviderError(e, 'BadRequest'));
      assert.equal(await t.provider.compute.getKeyPair(t.a, `contract-${suffix}-bad`), undefined);
    });

    test('key pairs: projects do not see each other', async () => {
      const keyName = `contract-${suffix}-iso`;
      createdKeys.push([t.a, keyName], [t.b, keyName]);
      await t.provider.compute.importKeyPair(t.a, keyName, rsa);
      assert.equal(await t.provider.compute.getKeyPair(t.b, keyName), undefined);
      assert.ok(!(await t.provider.compute.listKeyPairs(t.b)).items.some((k) => k.name === keyName));
      assert.deepEqual((await t.provider.compute.listKeyPairs(t.b, { ids: [keyName] })).items, []);
      await assert.rejects(t.provider.compute.deleteKeyPair(t.b, keyName), (e) => isProviderError(e, 'NotFound'));
      // the same name is free in the other project
      await t.provider.compute.importKeyPair(t.b, keyName, ed);
      assert.ok((await t.provider.compute.getKeyPair(t.a, keyName))?.publicKey.startsWith('ssh-rsa '));
    });

    test('key pairs: ids, limit and marker page through all in a stable order, by name', async () => {
      const mine = [3, 1, 4, 0, 2].map((i) => `contract-${suffix}-page-${i}`);
      for (const n of mine) {
        createdKeys.push([t.a, n]);
        await t.provider.compute.importKeyPair(t.a, n, ed);
      }
      const list = (q: ListQuery<never>) => t.provider.compute.listKeyPairs(t.a, q);
      const all = (await list({})).items;
      assert.equal((await list({})).next, undefined, 'an unlimited list is one page');
      assert.deepEqual(names((await list({})).items), names(all), 'the same order every time');
      for (const n of mine) assert.ok(names(all).includes(n));
      // by name: the test's own (lower-case) names come in code-point order
      assert.deepEqual(names(all).filter((n) => mine.includes(n)), [...mine].sort());
      for (const limit of [1, 2, all.length, all.length + 5]) {
        const pages = await pageThrough(list, { limit });
        assert.deepEqual(names(pages.flat()), names(all), `limit ${limit}: every key pair once, in order`);
      }
      // only some names: the same relative order, unknown names left out
      const some = [mine[4], mine[0], `contract-${suffix}-missing`, mine[2]];
      const expected = names(all).filter((n) => some.includes(n));
      assert.equal(expected.length, 3);
      assert.deepEqual(names((await list({ ids: some })).items), expected);
      assert.deepEqual(names((await pageThrough(list, { ids: some, limit: 2 })).flat()), expected);
      const first = await list({ ids: some, limit: 1 });
      assert.deepEqual(names(first.items), expected.slice(0, 1));
      assert.equal(first.next, expected[0], 'the marker of a key pair list is the last name');
      assert.deepEqual(names((await list({ ids: some, marker: expected[0] })).items), expected.slice(1));
      assert.deepEqual((await list({ ids: [] })).items, []);
      // a marker the cloud does not know, a limit that is no count
      await assert.rejects(list({ marker: `contract-${suffix}-missing` }), (e) => isProviderError(e, 'BadRequest'));
      await assert.rejects(list({ limit: 0 }), (e) => isProviderError(e, 'BadRequest'));
    });

    test('availability zones: the zones of the region, available', async () => {
      const zones = await t.provider.compute.listAvailabilityZones(t.a);
      assert.deepEqual(zones.map((z) => z.name).sort(), [...t.zones].sort());
      for (const z of zones) assert.equal(z.available, true, `zone ${z.name} is available`);
    });

    test('quotas: what is set for the project is what the provider reads', async () => {
      const set: SettableQuotas = { instances: 37, floatingIps: 23, volumes: 29, gigabytes: 1234, snapshots: 31 };
      await t.withQuotas(set, async (provider, ctx) => {
        const c = await provider.compute.getQuotas(ctx);
        const n = await provider.network.getQuotas(ctx);
        const s = await provider.blockStorage.getQuotas(ctx);
        assert.deepEqual(
          { instances: c.instances, floatingIps: n.floatingIps, volumes: s.volumes, gigabytes: s.gigabytes, snapshots: s.snapshots }, set);
        for (const v of [c.cores, c.ramMb, c.keyPairs, n.securityGroups, n.securityGroupRules, n.ports]) {
          assert.ok(Number.isInteger(v) && v >= -1, `quota ${v}`);
        }
      });
    });

    test('images: list, get, ids, filters, limit and marker', async () => {
      const mk = async (owner: 'a' | 'b' | 'admin', n: string, visibility: 'public' | 'private') => {
        const id = await t.createImage(owner, { name: `contract-${suffix}-${n}`, visibility });
        createdImages.push([owner, id]);
        return id;
      };
      const a1 = await mk('a', 'a1', 'private');
      const a2 = await mk('a', 'a2', 'private');
      const pub = await mk('admin', 'pub', 'public');
      const b1 = await mk('b', 'b1', 'private');
      const list = (q: ListQuery<never>) => t.provider.image.listImages(t.a, q);
      const ids = (items: ImageRecord[]) => items.map((i) => i.id);

      const all = (await t.provider.image.listImages(t.a)).items;
      for (const id of [a1, a2, pub]) assert.ok(ids(all).includes(id), `a sees ${id}`);
      assert.ok(!ids(all).includes(b1), "a does not see b's private image");
      assert.deepEqual(ids((await t.provider.image.listImages(t.a)).items), ids(all), 'the same order every time');
      all.forEach((img, i) => {
        if (i === 0) return;
        const prev = all[i - 1];
        assert.ok(prev.createdAt < img.createdAt || (prev.createdAt.getTime() === img.createdAt.getTime() && prev.id < img.id),
          'oldest first, then by id');
      });
      for (const limit of [1, 3]) {
        assert.deepEqual(ids((await pageThrough(list, { limit })).flat()), ids(all), `limit ${limit}: every image once, in order`);
      }

      const got = await t.provider.image.getImage(t.a, a1);
      assert.deepEqual({ ...got, createdAt: undefined }, {
        id: a1, name: `contract-${suffix}-a1`, status: 'queued', visibility: 'private', owner: t.a.projectId,
        diskFormat: 'raw', containerFormat: 'bare', createdAt: undefined,
      });
      assert.ok(got?.createdAt instanceof Date && !Number.isNaN(got.createdAt.getTime()));
      assert.equal(await t.provider.image.getImage(t.b, a1), undefined, "b may not see a's private image");
      assert.equal((await t.provider.image.getImage(t.b, pub))?.visibility, 'public');
      assert.equal(await t.provider.image.getImage(t.a, randomUUID()), undefined);
      assert.equal(await t.provider.image.getImage(t.a, 'not-an-image-id'), undefined);

      const some = [a2, randomUUID(), b1, 'not-an-image-id', a1];
      const expected = ids(all).filter((id) => some.includes(id));
      assert.deepEqual(expected.sort(), [a1, a2].sort());
      const byIds = ids((await list({ ids: some })).items);
      assert.deepEqual(byIds, ids(all).filter((id) => some.includes(id)));
      const first = await list({ ids: some, limit: 1 });
      assert.deepEqual(ids(first.items), byIds.slice(0, 1));
      assert.equal(first.next, byIds[0], 'the marker of an image list is the last id');
      assert.deepEqual(ids((await list({ ids: some, marker: first.next })).items), byIds.slice(1));
      assert.deepEqual((await list({ ids: [] })).items, []);

      const own = (await t.provider.image.listImages(t.a, { filters: { owner: t.a.projectId } })).items;
      assert.ok(own.every((i) => i.owner === t.a.projectId) && ids(own).includes(a1) && ids(own).includes(a2));
      const pubs = (await t.provider.image.listImages(t.a, { filters: { visibility: 'public' } })).items;
      assert.ok(pubs.every((i) => i.visibility === 'public') && ids(pubs).includes(pub) && !ids(pubs).includes(a1));
      const priv = (await t.provider.image.listImages(t.a, { filters: { visibility: 'private', owner: t.a.projectId } })).items;
      assert.ok(priv.every((i) => i.visibility === 'private' && i.owner === t.a.projectId));
      assert.deepEqual(ids(priv).filter((id) => [a1, a2, pub].includes(id)).sort(), [a1, a2].sort());
      await assert.rejects(list({ marker: randomUUID() }), (e) => isProviderError(e, 'BadRequest'));
      await assert.rejects(list({ marker: b1 }), (e) => isProviderError(e, 'BadRequest'), "another project's private image is no marker");
    });

    test('regions: the backend serves the region in use', async () => {
      const { mode, regions } = await t.provider.identity.listRegions(t.a);
      assert.equal(mode, t.regions.mode);
      assert.deepEqual(regions.map((r) => r.name).sort(), [...t.regions.names].sort());
      assert.ok(regions.some((r) => r.name === t.a.region));
      assert.equal(regions.find((r) => r.name === t.a.region)?.endpoint, t.regions.endpoint);
    });
  });
}
