/**
 * The store's repositories on the dialect under test: wildcard matching in SQL (case, escapes, the characters
 * each dialect treats specially), DescribeTags' paging keys, batched first-sight mapping under concurrency,
 * transactions that compose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { migrate, openDb } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../helpers/databases.js';

let database: TestDatabase;
let store: Store;
const P = 'project-a';
const R = 'us-east-1';

before(async () => {
  database = await createTestDatabase();
  store = new Store(openDb(database.url));
  await migrate(store.db, store.dialect);
});
after(async () => {
  await store.close();
  await database.drop();
});

/** Counts the statements of each kind a store runs. */
class Counter implements KyselyPlugin {
  counts: Record<string, number> = {};
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    this.counts[node.kind] = (this.counts[node.kind] ?? 0) + 1;
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

describe(`repositories on ${TEST_DIALECT}`, () => {
  test('tag patterns match case-sensitively, with * ? and \\ escapes, and SQL wildcard characters as literals', async () => {
    const r = await store.resources.create(P, R, 'key-pair', 'wild');
    const keys = ['Env', 'env', 'a%b', 'a_b', 'axb', 'a!b', 'a[b]', 'a*b', 'a?b', 'plain'];
    assert.deepEqual(await store.tags.put(P, [r.id], keys.map((k) => ({ Key: k, Value: k.toUpperCase() })), 50), {});
    const keysMatching = async (...patterns: string[]) =>
      (await store.tags.describe(P, R, { match: [{ column: 'key', patterns }], kinds: ['key-pair'] })).map((t) => t.key).sort();
    assert.deepEqual(await keysMatching('env'), ['env']);
    assert.deepEqual(await keysMatching('E*'), ['Env']);
    assert.deepEqual(await keysMatching('a%b'), ['a%b']);
    assert.deepEqual(await keysMatching('a_b'), ['a_b']);
    assert.deepEqual(await keysMatching('a?b'), ['a!b', 'a%b', 'a*b', 'a?b', 'a_b', 'axb'].sort());
    assert.deepEqual(await keysMatching('a\\?b'), ['a?b']);
    assert.deepEqual(await keysMatching('a\\*b'), ['a*b']);
    assert.deepEqual(await keysMatching('a[b]'), ['a[b]']);
    assert.deepEqual(await keysMatching('a[*'), ['a[b]']);
    assert.deepEqual(await keysMatching('a!*'), ['a!b']);
    assert.deepEqual(await keysMatching('*%*', 'pl?in'), ['a%b', 'plain']);
    // Filters AND together; tag:Key filters rows by key and value.
    const rows = await store.tags.describe(P, R, { match: [{ column: 'key', patterns: ['a*'] }, { column: 'value', patterns: ['A_B'] }] });
    assert.deepEqual(rows.map((t) => t.key), ['a_b']);
    const byTag = await store.tags.describe(P, R, { tagFilters: [{ key: 'env', values: ['E*'] }] });
    assert.deepEqual(byTag.map((t) => [t.key, t.value]), [['env', 'ENV']]);
    assert.deepEqual(await store.tags.describe(P, 'eu-west-1', {}), [], 'another region sees nothing');
    assert.deepEqual(await store.tags.describe('project-b', R, {}), [], 'another project sees nothing');
  });

  test('tag rows page in (resource id, key) order with after/limit', async () => {
    const a = await store.resources.create(P, R, 'key-pair', 'page-a');
    const b = await store.resources.create(P, R, 'key-pair', 'page-b');
    await store.tags.put(P, [a.id, b.id], ['k1', 'k2', 'k3'].map((k) => ({ Key: k, Value: '' })), 50);
    const match = [{ column: 'resource_id' as const, patterns: [a.id, b.id] }];
    const all = await store.tags.describe(P, R, { match });
    assert.equal(all.length, 6);
    const seen: string[] = [];
    let after: { resourceId: string; key: string } | undefined;
    for (;;) {
      const page = await store.tags.describe(P, R, { match, after, limit: 4 });
      seen.push(...page.map((t) => `${t.resourceId}/${t.key}`));
      if (page.length < 4) break;
      after = { resourceId: page[3].resourceId, key: page[3].key };
    }
    assert.deepEqual(seen, all.map((t) => `${t.resourceId}/${t.key}`));
    assert.deepEqual(seen, [...seen].sort());
  });

  test('the tag limit is checked per resource, and nothing is written when one resource would pass it', async () => {
    const a = await store.resources.create(P, R, 'key-pair', 'limit-a');
    const b = await store.resources.create(P, R, 'key-pair', 'limit-b');
    await store.tags.put(P, [a.id], Array.from({ length: 3 }, (_, i) => ({ Key: `x${i}`, Value: '' })), 4);
    assert.deepEqual(await store.tags.put(P, [a.id, b.id], [{ Key: 'y1', Value: '' }, { Key: 'y2', Value: '' }], 4), { over: a.id });
    assert.deepEqual((await store.tags.of(P, [b.id])).get(b.id), []);
    assert.deepEqual(await store.tags.put(P, [a.id, 'key-00000000000000000'], [{ Key: 'z', Value: '' }], 50), { missing: 'key-00000000000000000' });
  });

  test('first sight of N objects is one INSERT, and concurrent mappers agree on every id', async () => {
    const counter = new Counter();
    const counted = new Store({ db: store.db.withPlugin(counter), dialect: store.dialect });
    const objects = Array.from({ length: 40 }, (_, i) => ({ osId: `first-${i}`, attrs: { n: i } }));
    const results = await Promise.all([
      counted.resources.mapNew(P, R, 'key-pair', objects),
      store.resources.mapNew(P, R, 'key-pair', objects),
      store.resources.mapNew(P, R, 'key-pair', objects.slice(10)),
    ]);
    assert.equal(counter.counts.InsertQueryNode, 1, JSON.stringify(counter.counts));
    for (const o of objects) {
      const ids = results.map((m) => m.get(o.osId)?.id).filter(Boolean);
      assert.equal(new Set(ids).size, 1, `one id for ${o.osId}`);
    }
    const listed = (await store.resources.list(P, R, 'key-pair')).filter((r) => r.osId.startsWith('first-'));
    assert.equal(listed.length, 40);
  });

  test('a transaction composes the repositories: a failure rolls every write back', async () => {
    await assert.rejects(store.transaction(async (tx) => {
      const r = await tx.resources.create(P, R, 'key-pair', 'rolled-back');
      await tx.tags.put(P, [r.id], [{ Key: 'k', Value: 'v' }], 50);
      await tx.resources.delete(P, []); // nested use of inTransaction joins the caller's
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(await store.resources.byOsIds(P, R, 'key-pair', ['rolled-back']), []);
  });

  test('the first credential is created once, however many processes ask at once', async () => {
    const project = await store.projects.getOrCreate('first');
    const made = await Promise.all(Array.from({ length: 5 }, () => store.credentials.createFirst(project.id)));
    assert.equal(made.filter(Boolean).length, 1);
    assert.equal((await store.credentials.list()).length, 1);
  });
});
