/**
 * The provider contract for Nova server groups (EC2 placement groups): create with each policy, get and list the
 * caller's own, not another project's, delete (then gone: NotFound). Same tests on both backends.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isProviderError } from '../../src/cloud/errors.js';
import type { CloudContext } from '../../src/cloud/provider.js';
import type { ServerGroupRecord } from '../../src/cloud/records.js';
import type { ContractTarget } from './suite.js';

export function runServerGroupsContract(name: string, create: () => Promise<ContractTarget>) {
  describe(`cloud provider contract, server groups: ${name}`, () => {
    let t: ContractTarget;
    const suffix = randomBytes(4).toString('hex');
    const made: [CloudContext, string][] = [];
    before(async () => { t = await create(); });
    after(async () => {
      for (const [ctx, id] of made) await t.provider.compute.deleteServerGroup(ctx, id).catch(() => undefined);
      await t.close();
    });

    test('create with each policy; get and list show the caller its own groups only', async () => {
      const { compute } = t.provider;
      const policies: ServerGroupRecord['policy'][] = ['affinity', 'anti-affinity', 'soft-anti-affinity'];
      const groups: ServerGroupRecord[] = [];
      for (const policy of policies) {
        const g = await compute.createServerGroup(t.a, { name: `sg-${suffix}-${policy}`, policy });
        made.push([t.a, g.id]);
        groups.push(g);
        assert.equal(g.name, `sg-${suffix}-${policy}`);
        assert.equal(g.policy, policy);
        assert.deepEqual(g.memberIds, []);
        assert.equal(g.projectId, t.a.projectId);
      }
      // Nova does not make names unique: a second group of the same name is another group.
      const twin = await compute.createServerGroup(t.a, { name: `sg-${suffix}-affinity`, policy: 'affinity' });
      made.push([t.a, twin.id]);
      assert.notEqual(twin.id, groups[0].id);

      const got = await compute.getServerGroup(t.a, groups[1].id);
      assert.deepEqual(got, groups[1]);
      assert.equal(await compute.getServerGroup(t.b, groups[1].id), undefined, 'another project does not see it');
      assert.equal(await compute.getServerGroup(t.a, '00000000-0000-4000-8000-000000000000'), undefined);

      const listed = await compute.listServerGroups(t.a);
      const mine = listed.filter((g) => g.name.startsWith(`sg-${suffix}-`));
      assert.deepEqual(mine.map((g) => g.id).sort(), [...groups.map((g) => g.id), twin.id].sort());
      assert.deepEqual([...listed.map((g) => g.id)].sort(), listed.map((g) => g.id), 'listed in id order');
      assert.ok(listed.every((g) => g.projectId === t.a.projectId));
      const theirs = await compute.listServerGroups(t.b);
      assert.ok(!theirs.some((g) => g.name.startsWith(`sg-${suffix}-`)), 'another project does not list them');
    });

    test('delete: gone afterwards; deleting again, or another project\'s group, is NotFound', async () => {
      const { compute } = t.provider;
      const g = await compute.createServerGroup(t.a, { name: `sg-${suffix}-gone`, policy: 'anti-affinity' });
      made.push([t.a, g.id]);
      await assert.rejects(compute.deleteServerGroup(t.b, g.id), (e) => isProviderError(e, 'NotFound'));
      assert.ok(await compute.getServerGroup(t.a, g.id), 'still there after the other project tried');
      await compute.deleteServerGroup(t.a, g.id);
      assert.equal(await compute.getServerGroup(t.a, g.id), undefined);
      assert.ok(!(await compute.listServerGroups(t.a)).some((x) => x.id === g.id));
      await assert.rejects(compute.deleteServerGroup(t.a, g.id), (e) => isProviderError(e, 'NotFound'));
    });

    test('an unknown policy is BadRequest and makes nothing', async () => {
      const { compute } = t.provider;
      const before = (await compute.listServerGroups(t.a)).length;
      await assert.rejects(compute.createServerGroup(t.a, { name: `sg-${suffix}-bad`, policy: 'spread' as ServerGroupRecord['policy'] }),
        (e) => isProviderError(e, 'BadRequest'));
      assert.equal((await compute.listServerGroups(t.a)).length, before);
    });
  });
}
