/**
 * CreateTags, DeleteTags and DescribeTags on key pairs, end to end through @aws-sdk/client-ec2 and
 * aws-cli: AWS's tag limits, DeleteTags' matching rules, DescribeTags filters and paging, and that a
 * refused request writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyPairCommand, CreateTagsCommand, DeleteKeyPairCommand, DeleteTagsCommand, DescribeKeyPairsCommand,
  DescribeTagsCommand, type DescribeTagsCommandInput, type EC2Client, type Filter, type Tag, type TagDescription,
} from '@aws-sdk/client-ec2';
import { deleteRunKeyPairs, newRunId } from '../helpers/cleanup.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';

const OPENSTACK = TEST_BACKEND === 'openstack';

let s: TestServer;
let ec2: EC2Client;
/** In every key name this run makes: OpenStack keeps the projects' key pairs between runs. */
const runId = newRunId();
before(async () => {
  s = await startTestServer();
  ec2 = s.client();
});
after(async () => {
  try {
    await deleteRunKeyPairs([s.client(s.alpha), s.client(s.beta)], runId);
  } finally {
    await s.close();
  }
});

let seq = 0;
async function newKey(client: EC2Client = ec2): Promise<string> {
  const r = await client.send(new CreateKeyPairCommand({ KeyName: `tags-${runId}-${++seq}`, KeyType: 'ed25519' }));
  return r.KeyPairId!;
}

const createTags = (ids: string[], tags: Tag[], client: EC2Client = ec2) => client.send(new CreateTagsCommand({ Resources: ids, Tags: tags }));
const deleteTags = (ids: string[], tags?: Tag[]) => ec2.send(new DeleteTagsCommand({ Resources: ids, ...(tags ? { Tags: tags } : {}) }));

async function describeTags(input: DescribeTagsCommandInput = {}, client: EC2Client = ec2): Promise<TagDescription[]> {
  return (await client.send(new DescribeTagsCommand(input))).Tags ?? [];
}

/** The tags of one resource as sorted "key=value" strings, read through DescribeTags. */
async function tagsOf(id: string): Promise<string[]> {
  const tags = await describeTags({ Filters: [{ Name: 'resource-id', Values: [id] }] });
  for (const t of tags) {
    assert.equal(t.ResourceId, id);
    assert.equal(t.ResourceType, 'key-pair');
  }
  return tags.map((t) => `${t.Key}=${t.Value}`).sort();
}

/** The same, read through DescribeKeyPairs (the tags must agree across both views). */
async function keyPairTags(id: string): Promise<string[]> {
  const [k] = (await ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [id] }))).KeyPairs!;
  return (k.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort();
}

const tagList = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${String(i).padStart(2, '0')}`, Value: `v${i}` }));

describe('CreateTags', () => {
  test('adds tags, overwrites the value of an existing key, keys are case-sensitive', async () => {
    const id = await newKey();
    await createTags([id], [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'red' }]);
    assert.deepEqual(await tagsOf(id), ['env=dev', 'team=red']);
    await createTags([id], [{ Key: 'env', Value: 'prod' }, { Key: 'Env', Value: 'other' }]);
    assert.deepEqual(await tagsOf(id), ['Env=other', 'env=prod', 'team=red']);
    assert.deepEqual(await keyPairTags(id), ['Env=other', 'env=prod', 'team=red']);
  });

  test('keys are exact: a trailing space makes another key', async () => {
    const id = await newKey();
    await createTags([id], [{ Key: 'k', Value: '1' }]);
    await createTags([id], [{ Key: 'k ', Value: '2' }]);
    assert.deepEqual(await tagsOf(id), ['k =2', 'k=1']);
  });

  test('several resources at once', async () => {
    const a = await newKey();
    const b = await newKey();
    await createTags([a, b], [{ Key: 'shared', Value: 'yes' }]);
    assert.deepEqual(await tagsOf(a), ['shared=yes']);
    assert.deepEqual(await tagsOf(b), ['shared=yes']);
  });

  test('an empty or omitted value is the empty string', async () => {
    const id = await newKey();
    await createTags([id], [{ Key: 'empty', Value: '' }, { Key: 'omitted' }]);
    assert.deepEqual(await tagsOf(id), ['empty=', 'omitted=']);
  });

  test('50 tags are fine; the 51st → TagLimitExceeded and nothing is written', async () => {
    const id = await newKey();
    await createTags([id], tagList(50));
    assert.equal((await tagsOf(id)).length, 50);
    await expectEc2Error(createTags([id], [{ Key: 'one-more', Value: 'x' }]), 'TagLimitExceeded', { status: 400 });
    // A request that adds one new key and changes an existing one writes neither.
    await expectEc2Error(createTags([id], [{ Key: 'k00', Value: 'changed' }, { Key: 'new', Value: 'x' }]), 'TagLimitExceeded');
    const after = await tagsOf(id);
    assert.equal(after.length, 50);
    assert.ok(after.includes('k00=v0'));
    assert.ok(!after.some((t) => t.startsWith('one-more=') || t.startsWith('new=')));
    // At the limit, overwriting existing keys is still fine.
    await createTags([id], [{ Key: 'k01', Value: 'changed' }]);
    assert.ok((await tagsOf(id)).includes('k01=changed'));
  });

  test('51 tags in one request → TagLimitExceeded, nothing written', async () => {
    const id = await newKey();
    await expectEc2Error(createTags([id], tagList(51)), 'TagLimitExceeded');
    assert.deepEqual(await tagsOf(id), []);
    // 49 + 2 new over two requests is refused too, for every resource of the request.
    const other = await newKey();
    await createTags([id], tagList(49));
    await expectEc2Error(createTags([other, id], [{ Key: 'x1', Value: '' }, { Key: 'x2', Value: '' }]), 'TagLimitExceeded');
    assert.deepEqual(await tagsOf(other), []);
    assert.equal((await tagsOf(id)).length, 49);
  });

  test('key length: 128 characters fine, 129 → InvalidParameterValue (characters, not bytes)', async () => {
    const id = await newKey();
    const k128 = 'k'.repeat(128);
    const u128 = '\u{1F511}'.repeat(128); // 4 bytes each in UTF-8, 2 UTF-16 units in JS
    await createTags([id], [{ Key: k128, Value: 'a' }, { Key: u128, Value: 'é' }]);
    assert.deepEqual(await tagsOf(id), [`${k128}=a`, `${u128}=é`].sort());
    await expectEc2Error(createTags([id], [{ Key: 'ok', Value: '' }, { Key: 'k'.repeat(129), Value: 'a' }]), 'InvalidParameterValue',
      { status: 400, message: /Tag\.2\.Key/ });
    await expectEc2Error(createTags([id], [{ Key: '\u{1F511}'.repeat(129), Value: 'a' }]), 'InvalidParameterValue');
    assert.equal((await tagsOf(id)).length, 2, 'nothing written by the refused requests');
  });

  test('value length: 256 characters fine, 257 → InvalidParameterValue', async () => {
    const id = await newKey();
    const v256 = 'v'.repeat(256);
    const u256 = 'ж'.repeat(256);
    await createTags([id], [{ Key: 'a', Value: v256 }, { Key: 'u', Value: u256 }]);
    assert.deepEqual(await tagsOf(id), [`a=${v256}`, `u=${u256}`]);
    await expectEc2Error(createTags([id], [{ Key: 'b', Value: 'v'.repeat(257) }]), 'InvalidParameterValue', { message: /Tag\.1\.Value/ });
    await expectEc2Error(createTags([id], [{ Key: 'b', Value: 'ж'.repeat(257) }]), 'InvalidParameterValue');
    assert.deepEqual(await tagsOf(id), [`a=${v256}`, `u=${u256}`]);
  });

  test('the aws: prefix is reserved; an empty key is refused', async () => {
    const id = await newKey();
    await expectEc2Error(createTags([id], [{ Key: 'aws:cloudformation:stack', Value: 'x' }]), 'InvalidParameterValue', { message: /aws:/ });
    await expectEc2Error(createTags([id], [{ Key: '', Value: 'x' }]), 'InvalidParameterValue');
    // Only the prefix: "aws" elsewhere in a key is fine.
    await createTags([id], [{ Key: 'my-aws:key', Value: 'x' }, { Key: 'awsome', Value: 'y' }]);
    assert.deepEqual(await tagsOf(id), ['awsome=y', 'my-aws:key=x']);
  });

  test('a key given twice in one request → InvalidParameterValue', async () => {
    const id = await newKey();
    await expectEc2Error(createTags([id], [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }]), 'InvalidParameterValue');
    assert.deepEqual(await tagsOf(id), []);
  });

  test('a well-formed id that does not exist → InvalidKeyPair.NotFound, nothing written to the others', async () => {
    const id = await newKey();
    const missing = 'key-0123456789abcdef0';
    await expectEc2Error(createTags([id, missing], [{ Key: 'a', Value: 'b' }]), 'InvalidKeyPair.NotFound', { status: 400, message: new RegExp(missing) });
    assert.deepEqual(await tagsOf(id), []);
  });

  test('a malformed id → InvalidID', async () => {
    const id = await newKey();
    for (const bad of ['key-123', 'nonsense', 'vgw-0123456789abcdef0', 'key-0123456789ABCDEF0']) {
      await expectEc2Error(createTags([id, bad], [{ Key: 'a', Value: 'b' }]), 'InvalidID', { status: 400, message: new RegExp(bad) });
    }
    assert.deepEqual(await tagsOf(id), []);
  });

  test('another project\'s key pair is not found, and its tags are not touched', async () => {
    const betaClient = s.client(s.beta);
    const betaKey = await newKey(betaClient);
    await createTags([betaKey], [{ Key: 'owner', Value: 'beta' }], betaClient);
    await expectEc2Error(createTags([betaKey], [{ Key: 'owner', Value: 'alpha' }]), 'InvalidKeyPair.NotFound');
    await expectEc2Error(deleteTags([betaKey]), 'InvalidKeyPair.NotFound');
    assert.deepEqual(await describeTags({ Filters: [{ Name: 'resource-id', Values: [betaKey] }] }), []);
    const inBeta = await describeTags({ Filters: [{ Name: 'resource-id', Values: [betaKey] }] }, betaClient);
    assert.deepEqual(inBeta.map((t) => `${t.Key}=${t.Value}`), ['owner=beta']);
  });

  test('a key pair of another region is not found', {
    skip: OPENSTACK && 'needs a second region: the OpenStack test cloud has one (RegionOne)',
  }, async () => {
    const euKey = await newKey(s.client(s.alpha, 'eu-west-1'));
    await expectEc2Error(createTags([euKey], [{ Key: 'a', Value: 'b' }]), 'InvalidKeyPair.NotFound');
  });
});

describe('DeleteTags', () => {
  let id: string;
  const reset = async () => {
    await deleteTags([id]);
    await createTags([id], [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '' }, { Key: 'd', Value: 'x' }]);
  };
  before(async () => { id = await newKey(); });

  test('a key alone deletes the tag whatever its value', async () => {
    await reset();
    await deleteTags([id], [{ Key: 'a' }, { Key: 'c' }]);
    assert.deepEqual(await tagsOf(id), ['b=2', 'd=x']);
  });

  test('key and value delete only when the value matches', async () => {
    await reset();
    await deleteTags([id], [{ Key: 'a', Value: 'nope' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(await tagsOf(id), ['a=1', 'c=', 'd=x']);
  });

  test('an empty value deletes only a tag whose value is empty', async () => {
    await reset();
    await deleteTags([id], [{ Key: 'a', Value: '' }, { Key: 'c', Value: '' }]);
    assert.deepEqual(await tagsOf(id), ['a=1', 'b=2', 'd=x']);
  });

  test('no Tags deletes every tag of the resources', async () => {
    await reset();
    const other = await newKey();
    await createTags([other], [{ Key: 'keep', Value: 'me' }]);
    await deleteTags([id]);
    assert.deepEqual(await tagsOf(id), []);
    assert.deepEqual(await keyPairTags(id), []);
    assert.deepEqual(await tagsOf(other), ['keep=me']);
  });

  test('a key that is not there is fine', async () => {
    await reset();
    await deleteTags([id], [{ Key: 'zzz' }]);
    assert.deepEqual(await tagsOf(id), ['a=1', 'b=2', 'c=', 'd=x']);
  });

  test('missing or malformed resources are refused and nothing is deleted', async () => {
    await reset();
    await expectEc2Error(deleteTags([id, 'key-0123456789abcdef0'], [{ Key: 'a' }]), 'InvalidKeyPair.NotFound', { status: 400 });
    await expectEc2Error(deleteTags([id, 'key-bad'], [{ Key: 'a' }]), 'InvalidID', { status: 400 });
    await expectEc2Error(deleteTags([id], [{ Key: 'aws:x' }]), 'InvalidParameterValue');
    assert.deepEqual(await tagsOf(id), ['a=1', 'b=2', 'c=', 'd=x']);
  });

  test('through aws-cli: --tags Key=k deletes any value, Key=k,Value=v only on a match', async () => {
    await reset();
    const r = await s.cli(['delete-tags', '--resources', id, '--tags', 'Key=a', 'Key=b,Value=wrong', 'Key=d,Value=x']);
    assert.ok(r.ok, r.stderr);
    assert.deepEqual(await tagsOf(id), ['b=2', 'c=']);
  });
});

describe('DescribeTags', () => {
  const prefix = `dt${runId}`;
  let k1: string;
  let k2: string;

  before(async () => {
    k1 = await newKey();
    k2 = await newKey();
    await createTags([k1], [{ Key: `${prefix}-env`, Value: 'prod' }, { Key: `${prefix}-team`, Value: 'red' }, { Key: `${prefix}-note`, Value: '' }]);
    await createTags([k2], [{ Key: `${prefix}-env`, Value: 'dev' }, { Key: `${prefix}-Env`, Value: 'PROD' }]);
  });

  const rows = async (filters: Filter[]) =>
    (await describeTags({ Filters: filters })).map((t) => `${t.ResourceId === k1 ? 'k1' : t.ResourceId === k2 ? 'k2' : t.ResourceId}:${t.Key!.replace(`${prefix}-`, '')}=${t.Value}`).sort();

  test('every tag with its resource id and type', async () => {
    const all = await describeTags();
    const mine = all.filter((t) => t.ResourceId === k1 || t.ResourceId === k2);
    assert.equal(mine.length, 5);
    for (const t of mine) assert.equal(t.ResourceType, 'key-pair');
    assert.ok(mine.some((t) => t.ResourceId === k1 && t.Key === `${prefix}-note` && t.Value === ''));
  });

  test('filter key, with wildcards, case-sensitive', async () => {
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-env`] }]), ['k1:env=prod', 'k2:env=dev']);
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-?nv`] }]), ['k1:env=prod', 'k2:Env=PROD', 'k2:env=dev']);
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-t*`, `${prefix}-note`] }]), ['k1:note=', 'k1:team=red']);
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-e`] }]), []);
  });

  test('filter value, with wildcards; combined with key (AND)', async () => {
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-*`] }, { Name: 'value', Values: ['prod'] }]), ['k1:env=prod']);
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-*`] }, { Name: 'value', Values: ['*r*'] }]), ['k1:env=prod', 'k1:team=red']);
    assert.deepEqual(await rows([{ Name: 'key', Values: [`${prefix}-*`] }, { Name: 'value', Values: ['d??'] }]), ['k2:env=dev']);
  });

  test('filter resource-id and resource-type', async () => {
    assert.deepEqual(await rows([{ Name: 'resource-id', Values: [k2] }]), ['k2:Env=PROD', 'k2:env=dev']);
    assert.deepEqual(await rows([{ Name: 'resource-id', Values: [k1, k2] }, { Name: 'key', Values: [`${prefix}-team`] }]), ['k1:team=red']);
    assert.equal((await rows([{ Name: 'resource-id', Values: [k1, k2] }, { Name: 'resource-type', Values: ['key-pair'] }])).length, 5);
    assert.deepEqual(await rows([{ Name: 'resource-id', Values: [k1] }, { Name: 'resource-type', Values: ['key-*'] }]).then((r) => r.length), 3);
    assert.deepEqual(await rows([{ Name: 'resource-type', Values: ['instance'] }]), []);
  });

  test('an unknown filter → InvalidParameterValue', async () => {
    await expectEc2Error(describeTags({ Filters: [{ Name: 'colour', Values: ['x'] }] }), 'InvalidParameterValue', { status: 400, message: /colour/ });
  });

  test('through aws-cli with --filters', async () => {
    const r = await s.cli(['describe-tags', '--filters', `Name=resource-id,Values=${k1}`, `Name=key,Values=${prefix}-e*,${prefix}-team`]);
    assert.ok(r.ok, r.stderr);
    const tags = (r.json as { Tags: { Key: string; Value: string; ResourceId: string; ResourceType: string }[] }).Tags;
    assert.deepEqual(tags.map((t) => `${t.ResourceId}:${t.Key}=${t.Value}:${t.ResourceType}`).sort(),
      [`${k1}:${prefix}-env=prod:key-pair`, `${k1}:${prefix}-team=red:key-pair`]);
  });
});

describe('DescribeTags paging', () => {
  // A server (so a store) of its own, so the listing holds exactly this suite's tags, on either backend:
  // tags live in the store, also on OpenStack.
  let ps: TestServer;
  let client: EC2Client;
  const expected: string[] = [];

  before(async () => {
    ps = await startTestServer();
    client = ps.client();
    for (let i = 0; i < 3; i++) {
      const id = await newKey(client);
      const tags = tagList(i === 0 ? 9 : 4, `p${i}-`);
      await createTags([id], tags, client);
      for (const t of tags) expected.push(`${id}/${t.Key}=${t.Value}`);
    }
    expected.sort();
    assert.equal(expected.length, 17);
  });
  after(async () => {
    try {
      await deleteRunKeyPairs([ps.client()], runId);
    } finally {
      await ps.close();
    }
  });

  const fmt = (t: TagDescription) => `${t.ResourceId}/${t.Key}=${t.Value}`;

  async function pageAll(maxResults: number, filters?: Filter[]): Promise<string[][]> {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const r = await client.send(new DescribeTagsCommand({ MaxResults: maxResults, NextToken: token, Filters: filters }));
      pages.push((r.Tags ?? []).map(fmt));
      token = r.NextToken;
      assert.ok(pages.length < 50, 'paging does not end');
    } while (token);
    return pages;
  }

  test('MaxResults=5 pages through every tag once, in a stable order', async () => {
    const pages = await pageAll(5);
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 2]);
    const flat = pages.flat();
    assert.equal(new Set(flat).size, flat.length, 'no duplicates');
    assert.deepEqual([...flat].sort(), expected);
    // Same order again; and the same as one unpaged listing.
    assert.deepEqual((await pageAll(5)).flat(), flat);
    assert.deepEqual((await describeTags({}, client)).map(fmt), flat);
  });

  test('without MaxResults: everything, no NextToken; MaxResults larger than the list: no NextToken', async () => {
    const all = await client.send(new DescribeTagsCommand({}));
    assert.equal(all.Tags?.length, 17);
    assert.equal(all.NextToken, undefined);
    const big = await client.send(new DescribeTagsCommand({ MaxResults: 1000 }));
    assert.equal(big.Tags?.length, 17);
    assert.equal(big.NextToken, undefined);
  });

  test('paging with a filter keeps the filter', async () => {
    const filters = [{ Name: 'key', Values: ['p0-*'] }];
    const pages = await pageAll(5, filters);
    assert.deepEqual(pages.map((p) => p.length), [5, 4]);
    assert.ok(pages.flat().every((t) => t.includes('/p0-')));
  });

  test('a tag created between pages does not duplicate or skip earlier ones', async () => {
    const first = await client.send(new DescribeTagsCommand({ MaxResults: 5 }));
    const seen = (first.Tags ?? []).map(fmt);
    const rest: string[] = [];
    let token = first.NextToken;
    while (token) {
      const r = await client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: token }));
      rest.push(...(r.Tags ?? []).map(fmt));
      token = r.NextToken;
    }
    const all = [...seen, ...rest];
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual([...all].sort(), expected);
  });

  test('a malformed NextToken → InvalidPaginationToken (400)', async () => {
    // Not base64 JSON; JSON of the wrong shape ({"v":1}); a forged token for another action.
    const forged = Buffer.from(JSON.stringify({ v: 1, a: 'DescribeKeyPairs', k: '', h: 'x', e: Date.now() + 60_000 })).toString('base64url');
    for (const token of ['garbage', 'eyJ2IjoxfQ', forged]) {
      await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: token })), 'InvalidPaginationToken', { status: 400 });
    }
  });

  test('a NextToken reused with other filters → InvalidPaginationToken', async () => {
    const first = await client.send(new DescribeTagsCommand({ MaxResults: 5 }));
    assert.ok(first.NextToken);
    await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken, Filters: [{ Name: 'key', Values: ['p1-*'] }] })),
      'InvalidPaginationToken', { status: 400 });
    // The token still works for its own query.
    const second = await client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    assert.equal(second.Tags?.length, 5);
  });

  test('a NextToken reused in another region → InvalidPaginationToken', {
    skip: OPENSTACK && 'needs a second region: the OpenStack test cloud has one (RegionOne)',
  }, async () => {
    const first = await client.send(new DescribeTagsCommand({ MaxResults: 5 }));
    assert.ok(first.NextToken);
    await expectEc2Error(ps.client(ps.alpha, 'ap-southeast-2').send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken })),
      'InvalidPaginationToken', { status: 400 });
    // The token still works for its own query.
    assert.equal((await client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken }))).Tags?.length, 5);
  });

  test('MaxResults below 5 or above 1000 → InvalidParameterValue; 5 and 1000 are fine', async () => {
    for (const n of [4, 1001, 0, -1]) {
      await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: n })), 'InvalidParameterValue', { status: 400, message: /MaxResults/ });
    }
    assert.equal((await client.send(new DescribeTagsCommand({ MaxResults: 5 }))).Tags?.length, 5);
  });

  test('aws-cli pages through everything with --page-size', async () => {
    const r = await ps.cli(['describe-tags', '--page-size', '5']);
    assert.ok(r.ok, r.stderr);
    const tags = (r.json as { Tags: TagDescription[] }).Tags;
    assert.deepEqual(tags.map(fmt).sort(), expected);
  });
});

describe('deleting a key pair', () => {
  test('CreateTags racing DeleteKeyPair: each call succeeds or finds the key pair gone, never an internal error', async () => {
      const outcomes = new Map<string, number>();
      // nova-api of the test cloud is single-threaded: fewer rounds there.
      for (let i = 0; i < (OPENSTACK ? 4 : 10); i++) {
        const name = `tags-race-${runId}-${i}`;
        const { KeyPairId } = await ec2.send(new CreateKeyPairCommand({ KeyName: name, KeyType: 'ed25519' }));
        const results = await Promise.allSettled([
          createTags([KeyPairId!], [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]),
          ec2.send(new DeleteKeyPairCommand({ KeyName: name })),
          createTags([KeyPairId!], [{ Key: 'c', Value: '3' }]),
        ]);
        for (const r of results) {
          const outcome = r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
        assert.equal(results[1].status, 'fulfilled', 'DeleteKeyPair');
        assert.deepEqual(await tagsOf(KeyPairId!), []);
      }
      assert.deepEqual([...outcomes.keys()].filter((o) => o !== 'ok' && o !== 'InvalidKeyPair.NotFound'), [], JSON.stringify([...outcomes]));
    });

  test('removes its tags from DescribeTags; a new key pair of the same name starts untagged', async () => {
    const name = `tags-del-${runId}`;
    const { KeyPairId } = await ec2.send(new CreateKeyPairCommand({ KeyName: name }));
    await createTags([KeyPairId!], [{ Key: 'gone', Value: 'soon' }, { Key: 'also', Value: '' }]);
    assert.equal((await tagsOf(KeyPairId!)).length, 2);
    await ec2.send(new DeleteKeyPairCommand({ KeyName: name }));
    assert.deepEqual(await tagsOf(KeyPairId!), []);
    assert.deepEqual((await describeTags({ Filters: [{ Name: 'key', Values: ['gone'] }] })).map((t) => t.ResourceId), []);
    await expectEc2Error(createTags([KeyPairId!], [{ Key: 'a', Value: 'b' }]), 'InvalidKeyPair.NotFound');

    const again = await ec2.send(new CreateKeyPairCommand({ KeyName: name }));
    assert.deepEqual(await tagsOf(again.KeyPairId!), []);
  });

  test('through aws-cli: create-tags then describe-tags', async () => {
    const id = await newKey();
    const c = await s.cli(['create-tags', '--resources', id, '--tags', 'Key=Name,Value=cli key', 'Key=empty,Value=']);
    assert.ok(c.ok, c.stderr);
    assert.deepEqual(await tagsOf(id), ['Name=cli key', 'empty=']);
    const bad = await s.cli(['create-tags', '--resources', id, '--tags', 'Key=aws:no,Value=x']);
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });
});
