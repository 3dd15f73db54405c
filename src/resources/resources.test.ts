import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import type { ActionContext } from '../actions/context.js';
import { isEc2Error } from '../errors/ec2-error.js';
import { tagsFromSpecifications } from '../kit/tags.js';
import { type DescribeSpec, describe, type SourceQuery } from './describe.js';
import { isValidId, kindOfId, newId } from './ids.js';
import { allKinds, kindOfResourceType, kindSpec } from './kinds.js';
import { createWithUndo } from './undo.js';

const ec2Code = (code: string, message?: RegExp) => (e: unknown) =>
  isEc2Error(e) && e.code === code && (!message || message.test(e.message));

const logged: unknown[] = [];
const ctx = {
  requestId: 'r-1', action: 'Test', region: 'us-east-1', projectId: 'p',
  cloudCtx: { requestId: 'r-1', projectId: 'p', userId: 'u', region: 'us-east-1', signal: new AbortController().signal },
  logger: { error: (...a: unknown[]) => logged.push(a), warn() {}, info() {}, child() { return this; } },
} as unknown as ActionContext;

interface Item { id: string; name: string; color: string; tags: { Key: string; Value: string }[] }
const items: Item[] = Array.from({ length: 12 }, (_, i) => ({
  id: `key-${i.toString(16).padStart(17, '0')}`, name: `n${String(i).padStart(2, '0')}`, color: i % 2 ? 'red' : 'blue',
  tags: i % 3 === 0 ? [{ Key: 'tier', Value: 'web' }] : [],
}));

function spec(opts: Partial<DescribeSpec<Item>> = {}, queries: SourceQuery[] = []): DescribeSpec<Item> {
  return {
    kind: 'key-pair', action: 'DescribeThings', idParam: 'ThingId',
    id: (i) => i.id, name: (i) => i.name, filters: { color: (i) => i.color, name: (i) => i.name }, tags: (i) => i.tags,
    async load(_ctx, q) {
      queries.push(q);
      let out = items;
      if (q.ids || q.names) out = out.filter((i) => q.ids?.includes(i.id) || q.names?.includes(i.name));
      for (const f of q.filters) out = out.filter((i) => f.values.includes(f.name === 'color' ? i.color : i.name));
      if (q.page) {
        const after = q.page.after;
        out = out.filter((i) => after === undefined || i.id > after).slice(0, q.page.limit);
      }
      return out;
    },
    ...opts,
  };
}

suite('registry and ids', () => {
  test('every kind has a distinct prefix and resource type, and ids round-trip', () => {
    const kinds = allKinds();
    assert.equal(new Set(kinds.map((k) => kindSpec(k).prefix)).size, kinds.length);
    const taggable = kinds.filter((k) => kindSpec(k).taggable);
    assert.ok(taggable.every((k) => kindSpec(k).resourceType), 'a taggable kind has a resource type');
    // One kind per resource type, but for images (ami, aki, ari): the ami kind stands for the type.
    const types = kinds.flatMap((k) => (k === 'kernel-image' || k === 'ramdisk-image' ? [] : kindSpec(k).resourceType ?? []));
    assert.equal(new Set(types).size, types.length);
    assert.equal(kindOfResourceType('image'), 'image');
    for (const k of kinds) {
      const id = newId(k);
      assert.match(id, new RegExp(`^${kindSpec(k).prefix}-[0-9a-f]{17}$`));
      assert.equal(kindOfId(id), k);
      assert.ok(isValidId(k, `${kindSpec(k).prefix}-0123abcd`), 'the 8-digit form');
    }
    assert.equal(kindOfId('key-XYZ'), undefined);
    assert.equal(kindOfId('nope-0123abcd'), undefined);
  });
});

suite('describe helper', () => {
  test('malformed ids are refused before any load, naming the parameter', async () => {
    const queries: SourceQuery[] = [];
    await assert.rejects(describe(ctx, spec({}, queries), { ids: [items[0].id, 'key-zz'] }), ec2Code('InvalidID', /ThingId\.2/));
    await assert.rejects(describe(ctx, spec({}, queries), { Filters: [{ Name: 'nope', Values: ['x'] }] }), ec2Code('InvalidParameterValue', /nope/));
    await assert.rejects(describe(ctx, spec({}, queries), { MaxResults: 2 }), ec2Code('InvalidParameterValue', /MaxResults/));
    assert.equal(queries.length, 0);
  });

  test('every missing id is listed in one NotFound', async () => {
    const missing = ['key-0000000000000aaaa', 'key-0000000000000bbbb'];
    await assert.rejects(describe(ctx, spec(), { ids: [items[1].id, ...missing] }),
      ec2Code('InvalidKeyPair.NotFound', /IDs 'key-0000000000000aaaa, key-0000000000000bbbb' do not exist/));
    await assert.rejects(describe(ctx, spec(), { names: ['n01', 'zz'] }), ec2Code('InvalidKeyPair.NotFound', /'zz' does not exist/));
  });

  test('ids are checked before filters: an existing id that a filter excludes is not NotFound', async () => {
    const queries: SourceQuery[] = [];
    const { items: out } = await describe(ctx, spec({ pushdown: { filters: ['color'] } }, queries),
      { ids: [items[1].id, items[2].id], Filters: [{ Name: 'color', Values: ['red'] }] });
    assert.deepEqual(out.map((i) => i.id), [items[1].id]);
    assert.deepEqual(queries[0].filters, [], 'nothing pushed down with ids');
  });

  test('filters AND, values OR, tag filters for all; pushed-down filters reach the source', async () => {
    const queries: SourceQuery[] = [];
    const { items: out } = await describe(ctx, spec({ pushdown: { filters: ['color'] } }, queries), {
      Filters: [{ Name: 'color', Values: ['blue'] }, { Name: 'tag:tier', Values: ['w*'] }, { Name: 'name', Values: ['n00', 'n06', 'n08'] }],
    });
    assert.deepEqual(out.map((i) => i.name), ['n00', 'n06']);
    assert.deepEqual(queries[0].filters.map((f) => f.name), ['color']);
    assert.equal(queries[0].page, undefined, 'no paging push-down while filters remain in memory');
  });

  test('paging in memory and pushed down give the same pages, and a token only continues its own query', async () => {
    for (const paging of [false, true]) {
      const queries: SourceQuery[] = [];
      const s = spec({ pushdown: { paging } }, queries);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const r = await describe(ctx, s, { MaxResults: 5, NextToken: token });
        seen.push(...r.items.map((i) => i.id));
        token = r.nextToken;
      } while (token);
      assert.deepEqual(seen, items.map((i) => i.id), `paging pushed down: ${paging}`);
      if (paging) assert.equal(queries[0].page?.limit, 6);
      const first = await describe(ctx, s, { MaxResults: 5 });
      await assert.rejects(describe(ctx, s, { MaxResults: 5, NextToken: first.nextToken, Filters: [{ Name: 'color', Values: ['red'] }] }),
        ec2Code('InvalidPaginationToken'));
    }
  });
});

suite('create with undo', () => {
  test('a failing step undoes the earlier ones in reverse, without the request signal, and the first error wins', async () => {
    const done: string[] = [];
    let undoSignal: AbortSignal | undefined = new AbortController().signal;
    await assert.rejects(createWithUndo(ctx, async (undo) => {
      await undo.step('one', async () => 1, async () => { done.push('undo one'); undoSignal = undo.cloudCtx.signal; });
      await undo.step('two', async () => 2, async () => { done.push('undo two'); throw new Error('undo two failed'); });
      await undo.step('three', async () => { throw new Error('three failed'); }, async () => { done.push('undo three'); });
    }), /three failed/);
    assert.deepEqual(done, ['undo two', 'undo one']);
    assert.equal(undoSignal, undefined);
    assert.equal(logged.length, 1, 'the failed undo is logged');
  });

  test('success keeps everything', async () => {
    const done: string[] = [];
    const r = await createWithUndo(ctx, async (undo) => undo.step('one', async () => 'made', async () => { done.push('undo'); }));
    assert.equal(r, 'made');
    assert.deepEqual(done, []);
  });
});

suite('TagSpecifications', () => {
  test('several specifications merge per type; another type or a repeated key is refused, naming the parameter', () => {
    const m = tagsFromSpecifications([
      { ResourceType: 'key-pair', Tags: [{ Key: 'a', Value: '1' }] },
      { ResourceType: 'key-pair', Tags: [{ Key: 'b' }] },
    ], ['key-pair']);
    assert.deepEqual(m.get('key-pair'), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }]);
    assert.throws(() => tagsFromSpecifications([{ ResourceType: 'instance', Tags: [] }], ['key-pair']),
      ec2Code('InvalidParameterValue', /TagSpecification\.1\.ResourceType/));
    assert.throws(() => tagsFromSpecifications([{ Tags: [] }], ['key-pair']), ec2Code('MissingParameter', /TagSpecification\.1\.ResourceType/));
    assert.throws(() => tagsFromSpecifications([
      { ResourceType: 'key-pair', Tags: [{ Key: 'a' }] }, { ResourceType: 'key-pair', Tags: [{ Key: 'a' }] },
    ], ['key-pair']), ec2Code('InvalidParameterValue'));
  });

  test('a type the registry does not know as taggable is a programming error', () => {
    assert.throws(() => tagsFromSpecifications([], ['vpn-gateway']), /not a taggable kind/);
  });
});
