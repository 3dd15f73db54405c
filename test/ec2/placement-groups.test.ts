/**
 * Placement groups through @aws-sdk/client-ec2 and aws-cli: create with each strategy (a Nova server group with the
 * policy the strategy maps to), describe by names, ids and every filter, tags, duplicates, delete, a group made in
 * the cloud directly appearing on first sight, bad input that changes nothing, and a second project that sees
 * and deletes nothing. Few groups, deleted at the end (the test cloud is shared).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreatePlacementGroupCommand, type CreatePlacementGroupCommandInput, DeletePlacementGroupCommand, type DeletePlacementGroupCommandInput, DescribePlacementGroupsCommand, type EC2Client, type PlacementGroup,
} from '@aws-sdk/client-ec2';
import { newRunId } from '../helpers/cleanup.js';
import { openstackCli } from '../helpers/cloud-side.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let other: EC2Client;
const run = newRunId();
const names = { cluster: `pg-${run}-cluster`, spread: `pg-${run}-spread`, partition: `pg-${run}-partition` };
const made = new Set<string>();

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  other = s.client(s.beta);
});
after(async () => {
  try {
    for (const name of made) await ec2.send(new DeletePlacementGroupCommand({ GroupName: name })).catch(() => undefined);
  } finally {
    await s.close();
  }
});

const describeMine = async (input: ConstructorParameters<typeof DescribePlacementGroupsCommand>[0] = {}, client = ec2) =>
  ((await client.send(new DescribePlacementGroupsCommand(input))).PlacementGroups ?? []).filter((g) => g.GroupName?.includes(run));
/** The alpha project's server groups as the cloud has them (OpenStack: the openstack CLI as demo). */
async function serverGroups(): Promise<{ name: string; policy: string }[]> {
  if (s.backend === 'openstack') {
    const rows = await openstackCli('demo', ['--os-compute-api-version', '2.64', 'server', 'group', 'list']) as { Name: string; Policy: string }[];
    return rows.map((r) => ({ name: r.Name, policy: r.Policy }));
  }
  return s.app.cloud.compute.listServerGroups({ requestId: 't', projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region });
}
/** Makes a server group without EC2 (OpenStack: the openstack CLI as demo). */
async function serverGroupOutside(name: string, policy: 'anti-affinity') {
  if (s.backend === 'openstack') {
    await openstackCli('demo', ['--os-compute-api-version', '2.64', 'server', 'group', 'create', '--policy', policy, name]);
    return;
  }
  await s.app.cloud.compute.createServerGroup({ requestId: 't', projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region }, { name, policy });
}

test('CreatePlacementGroup: each strategy with AWS fields, a server group with the mapped policy, tags', async () => {
  const cluster = (await ec2.send(new CreatePlacementGroupCommand({
    GroupName: names.cluster, Strategy: 'cluster', TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'team', Value: 'hpc' }] }],
  }))).PlacementGroup as PlacementGroup;
  made.add(names.cluster);
  assert.match(cluster.GroupId ?? '', /^pg-[0-9a-f]{17}$/);
  assert.equal(cluster.State, 'available');
  assert.equal(cluster.Strategy, 'cluster');
  assert.equal(cluster.PartitionCount, undefined);
  assert.equal(cluster.SpreadLevel, undefined);
  assert.deepEqual(cluster.Tags, [{ Key: 'team', Value: 'hpc' }]);
  assert.match(cluster.GroupArn ?? '', new RegExp(`^arn:aws:ec2:${s.region}:[^:]+:placement-group/${names.cluster}$`));

  const spread = (await ec2.send(new CreatePlacementGroupCommand({ GroupName: names.spread, Strategy: 'spread' }))).PlacementGroup;
  made.add(names.spread);
  assert.equal(spread?.SpreadLevel, 'rack');
  const partition = (await ec2.send(new CreatePlacementGroupCommand({ GroupName: names.partition, Strategy: 'partition', PartitionCount: 5 }))).PlacementGroup;
  made.add(names.partition);
  assert.equal(partition?.PartitionCount, 5);

  const described = await describeMine({ GroupNames: [names.cluster] });
  assert.deepEqual(described, [cluster]);

  // Upstream: one server group per placement group, with the policy its strategy maps to (see placement-groups.ts).
  const policies = Object.fromEntries((await serverGroups()).filter((g) => g.name.includes(run)).map((g) => [g.name, g.policy]));
  assert.deepEqual(policies, { [names.cluster]: 'affinity', [names.spread]: 'anti-affinity', [names.partition]: 'soft-anti-affinity' });
});

test('CreatePlacementGroup: a partition group gets AWS\'s default of 2 partitions; a duplicate name is refused', async () => {
  const name = `pg-${run}-part2`;
  const g = (await ec2.send(new CreatePlacementGroupCommand({ GroupName: name, Strategy: 'partition' }))).PlacementGroup;
  made.add(name);
  assert.equal(g?.PartitionCount, 2);
  await expectEc2Error(ec2.send(new CreatePlacementGroupCommand({ GroupName: name, Strategy: 'cluster' })), 'InvalidPlacementGroup.Duplicate',
    { message: new RegExp(`The placement group '${name}' already exists`) });
  assert.equal((await serverGroups()).filter((x) => x.name === name).length, 1, 'no second server group');
  await ec2.send(new DeletePlacementGroupCommand({ GroupName: name }));
  made.delete(name);
});

test('CreatePlacementGroup: bad input is refused naming the parameter, and nothing is made', async () => {
  const before = (await describeMine()).length;
  const bad = (input: CreatePlacementGroupCommandInput, code: string, message?: RegExp) =>
    expectEc2Error(ec2.send(new CreatePlacementGroupCommand(input)), code, { message });
  await bad({ Strategy: 'cluster' }, 'MissingParameter', /GroupName/);
  await bad({ GroupName: `pg-${run}-x` }, 'MissingParameter', /Strategy/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'clumped' as 'cluster' }, 'InvalidParameterValue', /Strategy/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'cluster', PartitionCount: 3 }, 'InvalidParameterCombination', /PartitionCount/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'partition', PartitionCount: 8 }, 'InvalidParameterValue', /PartitionCount/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'partition', PartitionCount: 0 }, 'InvalidParameterValue', /PartitionCount/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'cluster', SpreadLevel: 'rack' }, 'InvalidParameterCombination', /SpreadLevel/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'spread', SpreadLevel: 'host' }, 'InvalidParameterValue', /SpreadLevel/);
  await bad({ GroupName: `pg-${run}-${'x'.repeat(255)}`, Strategy: 'spread' }, 'InvalidParameterValue', /GroupName/);
  await bad({ GroupName: `pg-${run}-é`, Strategy: 'spread' }, 'InvalidParameterValue', /GroupName/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'spread', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] },
    'InvalidParameterValue', /ResourceType/);
  await bad({ GroupName: `pg-${run}-x`, Strategy: 'spread', DryRun: true }, 'DryRunOperation');
  assert.equal((await describeMine()).length, before);
  assert.ok(!(await serverGroups()).some((g) => g.name === `pg-${run}-x`));
});

test('DescribePlacementGroups: names, ids, every filter, and AWS\'s errors for unknown ones', async () => {
  const all = await describeMine();
  assert.deepEqual(all.map((g) => g.GroupName).sort(), Object.values(names).sort());
  const byName = Object.fromEntries(all.map((g) => [g.GroupName, g]));
  const ids = await describeMine({ GroupIds: [byName[names.spread].GroupId as string] });
  assert.deepEqual(ids.map((g) => g.GroupName), [names.spread]);
  const f = async (Name: string, Values: string[]) => (await describeMine({ Filters: [{ Name, Values }] })).map((g) => g.GroupName).sort();
  assert.deepEqual(await f('group-name', [`pg-${run}-c*`]), [names.cluster]);
  assert.deepEqual(await f('strategy', ['partition']), [names.partition]);
  assert.deepEqual(await f('spread-level', ['rack']), [names.spread]);
  assert.deepEqual(await f('state', ['available']), Object.values(names).sort());
  assert.deepEqual(await f('group-arn', [byName[names.cluster].GroupArn as string]), [names.cluster]);
  assert.deepEqual(await f('tag:team', ['hpc']), [names.cluster]);
  assert.deepEqual(await f('tag-key', ['team']), [names.cluster]);
  await expectEc2Error(ec2.send(new DescribePlacementGroupsCommand({ GroupNames: [`pg-${run}-nope`] })), 'InvalidPlacementGroup.Unknown',
    { message: new RegExp(`The Placement Group 'pg-${run}-nope' is unknown`) });
  await expectEc2Error(ec2.send(new DescribePlacementGroupsCommand({ GroupIds: ['pg-0123456789abcdef0'] })), 'InvalidPlacementGroup.Unknown');
  await expectEc2Error(ec2.send(new DescribePlacementGroupsCommand({ GroupIds: ['pgx-1'] })), 'InvalidPlacementGroupId.Malformed');
  await expectEc2Error(ec2.send(new DescribePlacementGroupsCommand({ Filters: [{ Name: 'flavour', Values: ['x'] }] })), 'InvalidParameterValue');
});

test('a server group made in the cloud directly appears with an id and the strategy of its policy', async () => {
  const name = `pg-${run}-outside`;
  await serverGroupOutside(name, 'anti-affinity');
  made.add(name);
  const [seen] = await describeMine({ GroupNames: [name] });
  assert.match(seen.GroupId ?? '', /^pg-[0-9a-f]{17}$/);
  assert.equal(seen.Strategy, 'spread');
  assert.equal(seen.SpreadLevel, 'rack');
});

test('two projects: the other one neither sees nor deletes these groups, and may use the same names', async () => {
  assert.deepEqual(await describeMine({}, other), []);
  await expectEc2Error(other.send(new DescribePlacementGroupsCommand({ GroupNames: [names.cluster] })), 'InvalidPlacementGroup.Unknown');
  await expectEc2Error(other.send(new DeletePlacementGroupCommand({ GroupName: names.cluster })), 'InvalidPlacementGroup.Unknown');
  const theirs = (await other.send(new CreatePlacementGroupCommand({ GroupName: names.cluster, Strategy: 'spread' }))).PlacementGroup;
  try {
    assert.equal(theirs?.Strategy, 'spread');
    assert.equal((await describeMine({ GroupNames: [names.cluster] }))[0].Strategy, 'cluster');
  } finally {
    await other.send(new DeletePlacementGroupCommand({ GroupName: names.cluster }));
  }
  assert.equal((await describeMine({ GroupNames: [names.cluster] })).length, 1);
});

test('aws-cli: create, describe, delete; deleting an unknown group is InvalidPlacementGroup.Unknown', async () => {
  const name = `pg-${run}-cli`;
  const c = await s.cli(['create-placement-group', '--group-name', name, '--strategy', 'partition', '--partition-count', '3',
    '--tag-specifications', 'ResourceType=placement-group,Tags=[{Key=via,Value=cli}]']);
  assert.ok(c.ok, c.stderr);
  made.add(name);
  const d = await s.cli(['describe-placement-groups', '--group-names', name]);
  assert.ok(d.ok, d.stderr);
  const [g] = (d.json as { PlacementGroups: PlacementGroup[] }).PlacementGroups;
  assert.equal(g.PartitionCount, 3);
  assert.deepEqual(g.Tags, [{ Key: 'via', Value: 'cli' }]);
  const del = await s.cli(['delete-placement-group', '--group-name', name]);
  assert.ok(del.ok, del.stderr);
  made.delete(name);
  const again = await s.cli(['delete-placement-group', '--group-name', name]);
  assert.ok(!again.ok);
  assert.match(again.stderr, /InvalidPlacementGroup\.Unknown/);
});

test('DeletePlacementGroup: gone from Describe and from the cloud; a missing name is MissingParameter', async () => {
  await expectEc2Error(ec2.send(new DeletePlacementGroupCommand({} as DeletePlacementGroupCommandInput)), 'MissingParameter');
  await ec2.send(new DeletePlacementGroupCommand({ GroupName: names.partition }));
  made.delete(names.partition);
  assert.ok(!(await describeMine()).some((g) => g.GroupName === names.partition));
  assert.ok(!(await serverGroups()).some((g) => g.name === names.partition));
});
