/**
 * Launch templates through @aws-sdk/client-ec2 and aws-cli: create (name rules, data stored and shown back in the
 * response shape, warnings for references AWS only warns about, tags, ClientToken, DryRun), versions (SourceVersion
 * merge, $Latest/$Default, Min/MaxVersion, filters, paging), the default version, partial deletes of versions,
 * delete by id or name, GetLaunchTemplateData before instances exist, bad input that changes nothing, and a second
 * project that sees and changes nothing. Store-only: the same on both backends.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateLaunchTemplateCommand, type CreateLaunchTemplateCommandInput, CreateLaunchTemplateVersionCommand, DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, type EC2Client,
  GetLaunchTemplateDataCommand, ModifyLaunchTemplateCommand, type RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { ActionContext } from '../../src/actions/context.js';
import { resolveLaunchTemplate } from '../../src/actions/launch-templates.js';
import { newRunId } from '../helpers/cleanup.js';
import { expectEc2Error } from '../helpers/expect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let ec2: EC2Client;
let other: EC2Client;
const run = newRunId();
const made: string[] = [];

before(async () => {
  s = await startTestServer();
  ec2 = s.client();
  other = s.client(s.beta);
});
after(async () => {
  try {
    for (const id of made) await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id })).catch(() => undefined);
  } finally {
    await s.close();
  }
});

const userData = Buffer.from('#!/bin/sh\necho hello\n').toString('base64');
const DATA: RequestLaunchTemplateData = {
  ImageId: 'ami-0123456789abcdef0',
  InstanceType: 't3.micro',
  KeyName: 'my-key',
  UserData: userData,
  EbsOptimized: true,
  DisableApiTermination: true,
  InstanceInitiatedShutdownBehavior: 'terminate',
  Monitoring: { Enabled: true },
  Placement: { AvailabilityZone: `${'us-east-1'}a`, Tenancy: 'default' },
  BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: true, Iops: 3000 } }],
  MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
  CreditSpecification: { CpuCredits: 'unlimited' },
  InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.05', ValidUntil: new Date('2030-01-01T00:00:00Z') } },
  TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
};

const create = async (input: Partial<CreateLaunchTemplateCommandInput> & { LaunchTemplateName: string }, client = ec2) => {
  const out = await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateData: DATA, ...input }));
  if (client === ec2) made.push(out.LaunchTemplate?.LaunchTemplateId as string);
  return out;
};
const versionsOf = async (LaunchTemplateId: string, extra: object = {}) =>
  (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId, ...extra }))).LaunchTemplateVersions ?? [];

test('CreateLaunchTemplate: version 1 holds the data as given, in the response shape; tags on the template', async () => {
  const name = `lt-${run}-web`;
  const out = await create({
    LaunchTemplateName: name, VersionDescription: 'first',
    TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'web' }] }],
  });
  const lt = out.LaunchTemplate;
  assert.match(lt?.LaunchTemplateId ?? '', /^lt-[0-9a-f]{17}$/);
  assert.equal(lt?.LaunchTemplateName, name);
  assert.equal(lt?.DefaultVersionNumber, 1);
  assert.equal(lt?.LatestVersionNumber, 1);
  assert.ok(lt?.CreateTime instanceof Date);
  assert.match(lt?.CreatedBy ?? '', /^arn:aws:iam::/);
  assert.deepEqual(lt?.Tags, [{ Key: 'team', Value: 'web' }]);
  assert.equal(out.Warning, undefined);

  const [v] = await versionsOf(lt?.LaunchTemplateId as string);
  assert.equal(v.VersionNumber, 1);
  assert.equal(v.VersionDescription, 'first');
  assert.equal(v.DefaultVersion, true);
  assert.deepEqual(v.LaunchTemplateData, DATA, 'the data comes back as given (timestamps included)');

  const [described] = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] }))).LaunchTemplates ?? [];
  assert.deepEqual(described, lt);
});

test('CreateLaunchTemplate: name rules, duplicates, bad data; nothing is made', async () => {
  const before = (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates?.length;
  const bad = (input: Partial<CreateLaunchTemplateCommandInput>, code: string, message?: RegExp) =>
    expectEc2Error(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt-${run}-bad`, LaunchTemplateData: DATA, ...input })), code, { message });
  await bad({ LaunchTemplateName: 'ab' }, 'InvalidLaunchTemplateName.MalformedException', /between 3 and 128/);
  await bad({ LaunchTemplateName: 'x'.repeat(129) }, 'InvalidLaunchTemplateName.MalformedException');
  await bad({ LaunchTemplateName: 'with space' }, 'InvalidLaunchTemplateName.MalformedException');
  await bad({ LaunchTemplateName: `lt-${run}-web` }, 'InvalidLaunchTemplateName.AlreadyExistsException', /already in use/);
  await bad({ LaunchTemplateData: undefined }, 'MissingParameter', /LaunchTemplateData/);
  await bad({ VersionDescription: 'd'.repeat(256) }, 'InvalidParameterValue', /VersionDescription/);
  await bad({ LaunchTemplateData: { UserData: 'not base64!' } }, 'InvalidParameterValue', /UserData/);
  await bad({ LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/sdb', Ebs: { VolumeSize: 0 } }] } }, 'InvalidParameterValue', /VolumeSize/);
  await bad({ LaunchTemplateData: { MetadataOptions: { HttpPutResponseHopLimit: 65 } } }, 'InvalidParameterValue', /HttpPutResponseHopLimit/);
  await bad({ LaunchTemplateData: { TagSpecifications: [{ ResourceType: 'vpc', Tags: [] }] } }, 'InvalidParameterValue', /ResourceType/);
  await bad({ LaunchTemplateData: { InstanceInitiatedShutdownBehavior: 'explode' as 'stop' } }, 'InvalidParameterValue', /InstanceInitiatedShutdownBehavior/);
  await bad({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] }, 'InvalidParameterValue', /ResourceType/);
  await bad({ DryRun: true }, 'DryRunOperation');
  assert.equal((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates?.length, before);
});

test('CreateLaunchTemplate: references AWS only warns about (malformed ids, unknown security groups) come back as a Warning', async () => {
  const out = await create({
    LaunchTemplateName: `lt-${run}-warn`,
    LaunchTemplateData: { ImageId: 'image-1', SecurityGroupIds: ['sg-0123456789abcdef0'], NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-bad!' }] },
  });
  const codes = (out.Warning?.Errors ?? []).map((e) => e.Code).sort();
  assert.deepEqual(codes, ['InvalidAMIID.Malformed', 'InvalidGroup.NotFound', 'InvalidSubnetID.Malformed']);
  assert.equal(out.LaunchTemplate?.LatestVersionNumber, 1, 'the template is made anyway');
});

test('CreateLaunchTemplate: a repeated ClientToken answers the first result and makes nothing; other parameters are a mismatch', async () => {
  const token = `tok-${run}`;
  const first = await create({ LaunchTemplateName: `lt-${run}-idem`, ClientToken: token });
  const again = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt-${run}-idem`, LaunchTemplateData: DATA, ClientToken: token }));
  assert.deepEqual(again.LaunchTemplate, first.LaunchTemplate);
  await expectEc2Error(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt-${run}-idem2`, LaunchTemplateData: DATA, ClientToken: token })),
    'IdempotentParameterMismatch');
  const all = (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: [`lt-${run}-idem*`] }] }))).LaunchTemplates;
  assert.equal(all?.length, 1);
});

let versioned: string;
test('CreateLaunchTemplateVersion: new data, or a source version merged with the given parameters; numbers count up', async () => {
  const base = await create({ LaunchTemplateName: `lt-${run}-ver`, VersionDescription: 'v1' });
  versioned = base.LaunchTemplate?.LaunchTemplateId as string;
  const v2 = (await ec2.send(new CreateLaunchTemplateVersionCommand({
    LaunchTemplateId: versioned, VersionDescription: 'v2', LaunchTemplateData: { InstanceType: 't3.large' },
  }))).LaunchTemplateVersion;
  assert.equal(v2?.VersionNumber, 2);
  assert.equal(v2?.DefaultVersion, false);
  assert.deepEqual(v2?.LaunchTemplateData, { InstanceType: 't3.large' }, 'without SourceVersion nothing is inherited');
  const v3 = (await ec2.send(new CreateLaunchTemplateVersionCommand({
    LaunchTemplateName: `lt-${run}-ver`, SourceVersion: '1', LaunchTemplateData: { InstanceType: 'm5.large', KeyName: 'other' },
  }))).LaunchTemplateVersion;
  assert.equal(v3?.VersionNumber, 3);
  assert.deepEqual(v3?.LaunchTemplateData, { ...DATA, InstanceType: 'm5.large', KeyName: 'other' });
  const v4 = (await ec2.send(new CreateLaunchTemplateVersionCommand({
    LaunchTemplateId: versioned, SourceVersion: '$Latest', LaunchTemplateData: { EbsOptimized: false },
  }))).LaunchTemplateVersion;
  assert.deepEqual(v4?.LaunchTemplateData, { ...DATA, InstanceType: 'm5.large', KeyName: 'other', EbsOptimized: false });
  const [lt] = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [versioned] }))).LaunchTemplates ?? [];
  assert.equal(lt.LatestVersionNumber, 4);
  assert.equal(lt.DefaultVersionNumber, 1);

  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: versioned, SourceVersion: '99', LaunchTemplateData: { KeyName: 'k' } })),
    'InvalidLaunchTemplateId.VersionNotFound');
  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateData: { KeyName: 'k' } })),
    'InvalidLaunchTemplateId.NotFound');
  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: `lt-${run}-none`, LaunchTemplateData: { KeyName: 'k' } })),
    'InvalidLaunchTemplateName.NotFoundException');
  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: 'lt-zz', LaunchTemplateData: { KeyName: 'k' } })),
    'InvalidLaunchTemplateId.Malformed');
  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateData: { KeyName: 'k' } })), 'MissingParameter');
  await expectEc2Error(ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: versioned, LaunchTemplateName: `lt-${run}-ver`, LaunchTemplateData: { KeyName: 'k' } })),
    'InvalidParameterCombination');
  assert.equal((await versionsOf(versioned)).length, 4, 'the refused ones made nothing');
});

test('DescribeLaunchTemplateVersions: Versions with $Latest and $Default, Min/MaxVersion, filters, paging, errors', async () => {
  const nums = (vs: { VersionNumber?: number }[]) => vs.map((v) => v.VersionNumber);
  assert.deepEqual(nums(await versionsOf(versioned)), [1, 2, 3, 4]);
  assert.deepEqual(nums(await versionsOf(versioned, { Versions: ['$Latest', '$Default', '2'] })).sort(), [1, 2, 4]);
  assert.deepEqual(nums(await versionsOf(versioned, { MinVersion: '2', MaxVersion: '3' })), [2, 3]);
  assert.deepEqual(nums(await versionsOf(versioned, { Filters: [{ Name: 'instance-type', Values: ['m5.*'] }] })), [3, 4]);
  assert.deepEqual(nums(await versionsOf(versioned, { Filters: [{ Name: 'is-default-version', Values: ['true'] }] })), [1]);
  assert.deepEqual(nums(await versionsOf(versioned, { Filters: [{ Name: 'ebs-optimized', Values: ['false'] }] })), [4]);
  const p1 = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, MaxResults: 3 }));
  assert.deepEqual(nums(p1.LaunchTemplateVersions ?? []), [1, 2, 3]);
  const p2 = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, MaxResults: 3, NextToken: p1.NextToken }));
  assert.deepEqual(nums(p2.LaunchTemplateVersions ?? []), [4]);
  assert.equal(p2.NextToken, undefined);
  // Without a template: the $Latest (or $Default) version of every template of the project.
  const latest = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'] }))).LaunchTemplateVersions ?? [];
  assert.ok(latest.some((v) => v.LaunchTemplateId === versioned && v.VersionNumber === 4));
  assert.ok(latest.every((v) => v.LaunchTemplateName?.includes(run) || true));

  await expectEc2Error(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, Versions: ['7'] })), 'InvalidLaunchTemplateId.VersionNotFound');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, Versions: ['latest'] })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, MaxResults: 201 })), 'InvalidParameterValue');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, NextToken: 'bogus' })), 'InvalidPaginationToken');
});

test('ModifyLaunchTemplate sets the default version; DeleteLaunchTemplateVersions deletes what it can and lists the rest', async () => {
  const lt = (await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: versioned, DefaultVersion: '3' }))).LaunchTemplate;
  assert.equal(lt?.DefaultVersionNumber, 3);
  await expectEc2Error(ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: versioned, DefaultVersion: '9' })), 'InvalidLaunchTemplateId.VersionNotFound');
  const [def] = await versionsOf(versioned, { Versions: ['$Default'] });
  assert.equal(def.VersionNumber, 3);

  const out = await ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, Versions: ['2', '3', '8'] }));
  assert.deepEqual(out.SuccessfullyDeletedLaunchTemplateVersions, [{ LaunchTemplateId: versioned, LaunchTemplateName: `lt-${run}-ver`, VersionNumber: 2 }]);
  const failed = out.UnsuccessfullyDeletedLaunchTemplateVersions ?? [];
  assert.deepEqual(failed.map((f) => [f.VersionNumber, f.ResponseError?.Code]), [[3, 'unexpectedError'], [8, 'launchTemplateVersionDoesNotExist']]);
  assert.match(failed[0].ResponseError?.Message ?? '', /default version/);
  assert.deepEqual((await versionsOf(versioned)).map((v) => v.VersionNumber), [1, 3, 4]);
  // Numbers are not reused after a delete.
  const v5 = (await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: versioned, LaunchTemplateData: { KeyName: 'k' } }))).LaunchTemplateVersion;
  assert.equal(v5?.VersionNumber, 5);
});

test('DescribeLaunchTemplates: ids, names, filters, paging, errors', async () => {
  const names = (lts: { LaunchTemplateName?: string }[] | undefined) => (lts ?? []).map((l) => l.LaunchTemplateName).filter((n) => n?.includes(run)).sort();
  const mine = (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: [`lt-${run}-*`] }] }))).LaunchTemplates;
  assert.deepEqual(names(mine), [`lt-${run}-idem`, `lt-${run}-ver`, `lt-${run}-warn`, `lt-${run}-web`]);
  assert.deepEqual(names((await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:team', Values: ['web'] }] }))).LaunchTemplates), [`lt-${run}-web`]);
  assert.deepEqual(names((await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag-key', Values: ['team'] }] }))).LaunchTemplates), [`lt-${run}-web`]);
  assert.deepEqual(names((await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [versioned], LaunchTemplateNames: [`lt-${run}-web`] }))).LaunchTemplates),
    [`lt-${run}-ver`, `lt-${run}-web`]);
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 2, NextToken, Filters: [{ Name: 'launch-template-name', Values: [`lt-${run}-*`] }] }));
    assert.ok((page.LaunchTemplates?.length ?? 0) <= 2);
    seen.push(...(page.LaunchTemplates ?? []).map((l) => l.LaunchTemplateName as string));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.sort(), names(mine));
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0123456789abcdef0'] })), 'InvalidLaunchTemplateId.NotFound',
    { message: /lt-0123456789abcdef0/ });
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-xyz'] })), 'InvalidLaunchTemplateId.Malformed');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [`lt-${run}-none`] })), 'InvalidLaunchTemplateName.NotFoundException');
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'image-id', Values: ['x'] }] })), 'InvalidParameterValue');
});

test('GetLaunchTemplateData: InvalidInstanceID.NotFound (instances come later), Malformed for a bad id', async () => {
  await expectEc2Error(ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: 'i-0123456789abcdef0' })), 'InvalidInstanceID.NotFound');
  await expectEc2Error(ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: 'instance-1' })), 'InvalidInstanceID.Malformed');
});

test('two projects: the other neither sees nor changes these templates, and may use the same names', async () => {
  const name = `lt-${run}-web`;
  const theirs = (await other.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
  assert.ok(!theirs.some((l) => l.LaunchTemplateName?.includes(run)));
  await expectEc2Error(other.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [versioned] })), 'InvalidLaunchTemplateId.NotFound');
  await expectEc2Error(other.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned })), 'InvalidLaunchTemplateId.NotFound');
  await expectEc2Error(other.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: versioned, LaunchTemplateData: { KeyName: 'k' } })), 'InvalidLaunchTemplateId.NotFound');
  await expectEc2Error(other.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: versioned, DefaultVersion: '1' })), 'InvalidLaunchTemplateId.NotFound');
  const notTheirs = await other.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: versioned, Versions: ['1'] }));
  assert.equal(notTheirs.SuccessfullyDeletedLaunchTemplateVersions, undefined);
  assert.deepEqual(notTheirs.UnsuccessfullyDeletedLaunchTemplateVersions?.map((f) => [f.LaunchTemplateId, f.VersionNumber, f.ResponseError?.Code]),
    [[versioned, 1, 'launchTemplateIdDoesNotExist']]);
  await expectEc2Error(other.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name })), 'InvalidLaunchTemplateName.NotFoundException');
  const same = await create({ LaunchTemplateName: name }, other);
  await other.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: same.LaunchTemplate?.LaunchTemplateId }));
  assert.equal((await versionsOf(versioned)).length, 4, 'nothing changed');
});

test('aws-cli: create, create-version, describe-versions, delete by name', async () => {
  const name = `lt-${run}-cli`;
  const c = await s.cli(['create-launch-template', '--launch-template-name', name, '--version-description', 'cli',
    '--launch-template-data', JSON.stringify({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.nano' })]);
  assert.ok(c.ok, c.stderr);
  const id = (c.json as { LaunchTemplate: { LaunchTemplateId: string } }).LaunchTemplate.LaunchTemplateId;
  made.push(id);
  const v = await s.cli(['create-launch-template-version', '--launch-template-id', id, '--source-version', '1',
    '--launch-template-data', JSON.stringify({ InstanceType: 't3.small' })]);
  assert.ok(v.ok, v.stderr);
  await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '2' }));
  const d = await s.cli(['describe-launch-template-versions', '--launch-template-name', name, '--versions', '$Default']);
  assert.ok(d.ok, d.stderr);
  const [def] = (d.json as { LaunchTemplateVersions: { VersionNumber: number; LaunchTemplateData: object }[] }).LaunchTemplateVersions;
  assert.equal(def.VersionNumber, 2);
  assert.deepEqual(def.LaunchTemplateData, { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small' });
  const del = await s.cli(['delete-launch-template', '--launch-template-name', name]);
  assert.ok(del.ok, del.stderr);
  await expectEc2Error(ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name })), 'InvalidLaunchTemplateName.NotFoundException');
});

test('DeleteLaunchTemplate by id or name answers the template; then it is gone', async () => {
  const byName = await create({ LaunchTemplateName: `lt-${run}-del` });
  const out = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: `lt-${run}-del` }));
  assert.equal(out.LaunchTemplate?.LaunchTemplateId, byName.LaunchTemplate?.LaunchTemplateId);
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [out.LaunchTemplate?.LaunchTemplateId as string] })),
    'InvalidLaunchTemplateId.NotFound');
  await expectEc2Error(ec2.send(new DeleteLaunchTemplateCommand({})), 'MissingParameter');
  // The name is free again.
  await create({ LaunchTemplateName: `lt-${run}-del` });
});

test('resolveLaunchTemplate (for RunInstances): the data of a version by id or name, $Default by default; AWS\'s errors', async () => {
  // The alpha project as the pipeline would hand it to RunInstances; the launch template area needs only the store.
  const cred = s.alpha;
  const ctx = {
    requestId: 'r', action: 'RunInstances', region: s.region, projectId: cred.projectId, store: s.app.store, cloud: s.app.cloud,
    config: s.app.config, logger: s.app.logger, endpoint: s.endpoint,
    principal: { projectId: cred.projectId, projectName: 'alpha', ownerId: '000000000000', userId: cred.userId, roles: [], accessKeyId: cred.accessKey },
    cloudCtx: { requestId: 'r', projectId: cred.projectId, userId: cred.userId, region: s.region },
  } as ActionContext;
  const byDefault = await resolveLaunchTemplate(ctx, { LaunchTemplateId: versioned });
  assert.equal(byDefault.versionNumber, 3, 'the default version (set to 3 above)');
  assert.equal(byDefault.launchTemplateName, `lt-${run}-ver`);
  assert.deepEqual(byDefault.data, { ...DATA, InstanceType: 'm5.large', KeyName: 'other' });
  const latest = await resolveLaunchTemplate(ctx, { LaunchTemplateName: `lt-${run}-ver`, Version: '$Latest' });
  assert.equal(latest.versionNumber, 5);
  assert.equal((await resolveLaunchTemplate(ctx, { LaunchTemplateId: versioned, Version: '1' })).data.InstanceType, 't3.micro');
  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e as { code?: string }).code);
  assert.equal(await code(resolveLaunchTemplate(ctx, { LaunchTemplateId: versioned, Version: '2' })), 'InvalidLaunchTemplateId.VersionNotFound');
  assert.equal(await code(resolveLaunchTemplate(ctx, { LaunchTemplateId: 'lt-0123456789abcdef0' })), 'InvalidLaunchTemplateId.NotFound');
  assert.equal(await code(resolveLaunchTemplate(ctx, { LaunchTemplateId: 'lt-x' })), 'InvalidLaunchTemplateId.Malformed');
  assert.equal(await code(resolveLaunchTemplate(ctx, { LaunchTemplateName: `lt-${run}-none` })), 'InvalidLaunchTemplateName.NotFoundException');
  assert.equal(await code(resolveLaunchTemplate(ctx, {})), 'MissingParameter');
  // Another project's template is not found.
  const theirs = { ...ctx, projectId: s.beta.projectId, principal: { ...ctx.principal, projectId: s.beta.projectId } } as ActionContext;
  assert.equal(await code(resolveLaunchTemplate(theirs, { LaunchTemplateId: versioned })), 'InvalidLaunchTemplateId.NotFound');
});
