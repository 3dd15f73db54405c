/**
 * Launch templates, kept in the store: CreateLaunchTemplate, DeleteLaunchTemplate, DescribeLaunchTemplates,
 * CreateLaunchTemplateVersion, DeleteLaunchTemplateVersions, DescribeLaunchTemplateVersions, ModifyLaunchTemplate,
 * GetLaunchTemplateData; resolveLaunchTemplate() for RunInstances.
 *
 * A template is one store object (its mapping's backend id is its name, so the store's unique key keeps names unique
 * per project and region); its versions live in its attributes. A version's data is stored once, converted from
 * the request shape (RequestLaunchTemplateData) to the response shape (ResponseLaunchTemplateData) by walking the
 * wire model: both shapes name their members alike, so the conversion is generic, not field by field.
 */
import type {
  LaunchTemplate, LaunchTemplateVersion, RequestLaunchTemplateData, ResponseLaunchTemplateData, ValidationError,
} from '@aws-sdk/client-ec2';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import { applyFilters, type FilterTable } from '../kit/filters.js';
import { paginate } from '../kit/paging.js';
import { tagsFromSpecifications, validateTags, writeCreateTags } from '../kit/tags.js';
import { withClientToken } from '../resources/client-token.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId } from '../resources/ids.js';
import type { Kind } from '../resources/kinds.js';
import { requireResource, storedWithTags } from '../resources/lookup.js';
import { operationModel, type Shape } from '../protocol/model.js';
import type { Resource, Tag } from '../store/store.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

/** One version: its data in the response shape, as JSON (timestamps as ISO strings). */
interface StoredVersion { number: number; description?: string; data: unknown; createTime: string; createdBy: string }
export interface LaunchTemplateAttrs {
  name: string;
  createTime: string;
  createdBy: string;
  defaultVersion: number;
  /** The number the next version gets: numbers are never reused, even after a delete. */
  nextVersion: number;
  versions: StoredVersion[];
}
type TemplateResource = Resource<LaunchTemplateAttrs>;
interface TemplateView { resource: TemplateResource; tags: Tag[] }

const MAX_TEMPLATES = 5000;
const MAX_VERSIONS = 10000;
const MAX_DESCRIPTION = 255;
const NAME_RE = /^[A-Za-z0-9().\-/_]{3,128}$/;

// ---- Request data → response data, by the wire model ----

const requestDataShape = () => operationModel('CreateLaunchTemplate')?.input.byName.get('LaunchTemplateData')?.shape as Shape;
const responseDataShape = (): Shape => {
  const list = operationModel('DescribeLaunchTemplateVersions')?.output?.byName.get('LaunchTemplateVersions')?.shape;
  if (list?.kind !== 'list' || list.member.kind !== 'struct') throw new Error('the model has no LaunchTemplateVersion');
  return list.member.byName.get('LaunchTemplateData')?.shape as Shape;
};

/**
 * Walks `value` of shape `from` into shape `to`: members both shapes have (by name) are kept, lists and maps walked,
 * timestamps made Dates (from a Date or an ISO string), blobs base64. With from = to it revives stored JSON.
 */
function convert(value: unknown, from: Shape, to: Shape): unknown {
  if (value === undefined || value === null) return undefined;
  switch (to.kind) {
    case 'struct': {
      if (from.kind !== 'struct' || typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const m of from.members) {
        const target = to.byName.get(m.name);
        const v = (value as Record<string, unknown>)[m.name];
        if (!target || v === undefined) continue;
        const c = convert(v, m.shape, target.shape);
        if (c !== undefined) out[m.name] = c;
      }
      return out;
    }
    case 'list':
      return from.kind === 'list' && Array.isArray(value) ? value.map((v) => convert(v, from.member, to.member)) : undefined;
    case 'map':
      return from.kind === 'map' && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, convert(v, from.value, to.value)])) : undefined;
    case 'timestamp':
      return value instanceof Date ? value : new Date(String(value));
    case 'blob':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
    default:
      return value;
  }
}

export const toResponseData = (data: RequestLaunchTemplateData): ResponseLaunchTemplateData =>
  convert(data, requestDataShape(), responseDataShape()) as ResponseLaunchTemplateData;
const reviveData = (stored: unknown): ResponseLaunchTemplateData =>
  (convert(stored, responseDataShape(), responseDataShape()) ?? {}) as ResponseLaunchTemplateData;
/** JSON form for the store: Dates as ISO strings. */
const storable = (data: ResponseLaunchTemplateData): unknown => JSON.parse(JSON.stringify(data));

// ---- Validation ----

function validateName(name: string | undefined, param = 'LaunchTemplateName'): string {
  if (name === undefined) throw ERRORS.missingParameter(param);
  if (!NAME_RE.test(name)) {
    throw ec2Error('InvalidLaunchTemplateName.MalformedException',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.');
  }
  return name;
}

function validateDescription(d: string | undefined) {
  if (d !== undefined && d.length > MAX_DESCRIPTION) {
    throw ERRORS.invalidParameterValue('VersionDescription', d, `The description can be at most ${MAX_DESCRIPTION} characters.`);
  }
}

const LT_TAGGABLE = ['instance', 'volume', 'network-interface', 'spot-instances-request'];

/**
 * What AWS refuses outright in LaunchTemplateData (the request fails, nothing is made); what it accepts with a warning
 * (ids of the wrong form, objects that do not exist) comes back as the response's Warning.
 */
async function checkData(ctx: ActionContext, data: RequestLaunchTemplateData | undefined): Promise<ValidationError[]> {
  if (data === undefined) throw ERRORS.missingParameter('LaunchTemplateData');
  const at = (p: string) => `LaunchTemplateData.${p}`;
  if (data.UserData !== undefined) {
    const b = data.UserData.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b) || b.length % 4 !== 0) {
      throw ERRORS.invalidParameterValue(at('UserData'), '…', 'User data must be base64-encoded.');
    }
    if (Buffer.from(b, 'base64').length > 16 * 1024) throw ERRORS.invalidParameterValue(at('UserData'), '…', 'User data is limited to 16384 bytes.');
  }
  (data.TagSpecifications ?? []).forEach((s, i) => {
    const p = at(`TagSpecification.${i + 1}`);
    if (s.ResourceType === undefined) throw ERRORS.missingParameter(`${p}.ResourceType`);
    if (!LT_TAGGABLE.includes(s.ResourceType)) {
      throw ERRORS.invalidParameterValue(`${p}.ResourceType`, s.ResourceType, `Valid values: ${LT_TAGGABLE.join(', ')}.`);
    }
    validateTags(s.Tags ?? [], `${p}.Tag`);
  });
  (data.BlockDeviceMappings ?? []).forEach((b, i) => {
    const p = at(`BlockDeviceMapping.${i + 1}`);
    const size = b.Ebs?.VolumeSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 65536)) {
      throw ERRORS.invalidParameterValue(`${p}.Ebs.VolumeSize`, size, 'It must be between 1 and 65536 GiB.');
    }
    if (b.Ebs?.Iops !== undefined && (b.Ebs.Iops < 100 || b.Ebs.Iops > 256000)) {
      throw ERRORS.invalidParameterValue(`${p}.Ebs.Iops`, b.Ebs.Iops, 'It must be between 100 and 256000.');
    }
  });
  if (data.CpuOptions?.CoreCount !== undefined && data.CpuOptions.CoreCount < 1) {
    throw ERRORS.invalidParameterValue(at('CpuOptions.CoreCount'), data.CpuOptions.CoreCount, 'It must be at least 1.');
  }
  if (data.MetadataOptions?.HttpPutResponseHopLimit !== undefined) {
    const h = data.MetadataOptions.HttpPutResponseHopLimit;
    if (!Number.isInteger(h) || h < 1 || h > 64) throw ERRORS.invalidParameterValue(at('MetadataOptions.HttpPutResponseHopLimit'), h, 'It must be between 1 and 64.');
  }

  // Warnings: references of the wrong form, or to objects of the caller's that do not exist.
  const warnings: ValidationError[] = [];
  const refs: { kind: Kind; id: string; param: string }[] = [];
  const ref = (kind: Kind, id: string | undefined, param: string) => { if (id !== undefined) refs.push({ kind, id, param }); };
  ref('image', data.ImageId, 'ImageId');
  ref('kernel-image', data.KernelId, 'KernelId');
  ref('ramdisk-image', data.RamDiskId, 'RamDiskId');
  for (const g of data.SecurityGroupIds ?? []) ref('security-group', g, 'SecurityGroupId');
  for (const n of data.NetworkInterfaces ?? []) {
    ref('subnet', n.SubnetId, 'SubnetId');
    ref('network-interface', n.NetworkInterfaceId, 'NetworkInterfaceId');
    for (const g of n.Groups ?? []) ref('security-group', g, 'SecurityGroupId');
  }
  const wellFormed = refs.filter((r) => {
    if (isValidId(r.kind, r.id)) return true;
    const malformed = ERRORS.malformedId(r.kind, r.id, r.param);
    warnings.push({ Code: malformed.code, Message: malformed.message });
    return false;
  });
  // Images belong to the image area, which maps them on sight: only store-known kinds are checked for existence here.
  const checkable = wellFormed.filter((r) => r.kind === 'security-group' || r.kind === 'subnet' || r.kind === 'network-interface');
  if (checkable.length) {
    const found = new Set((await ctx.store.resources.findMany(ctx.projectId, ctx.region, checkable.map((r) => r.id))).map((r) => r.id));
    for (const r of checkable) {
      if (found.has(r.id)) continue;
      const e = ERRORS.idNotFound(r.kind, [r.id]);
      warnings.push({ Code: e.code, Message: e.message });
    }
  }
  return warnings;
}

// ---- Lookups ----

const templateNotFoundById = (id: string) =>
  ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
const templateNotFoundByName = (name: string) =>
  ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
const versionNotFound = (version: string, id: string) =>
  ec2Error('InvalidLaunchTemplateId.VersionNotFound', `The specified launch template version, with version number ${version}, does not exist for launch template ${id}.`);

/** The template named by LaunchTemplateId or LaunchTemplateName (exactly one of them). */
async function findTemplate(ctx: ActionContext, spec: { LaunchTemplateId?: string; LaunchTemplateName?: string }): Promise<TemplateResource> {
  const { LaunchTemplateId: id, LaunchTemplateName: name } = spec;
  if (id !== undefined && name !== undefined) {
    throw ERRORS.invalidParameterCombination('Specify either LaunchTemplateId or LaunchTemplateName, not both.');
  }
  if (id !== undefined) {
    if (!isValidId('launch-template', id)) throw ERRORS.malformedId('launch-template', id, 'LaunchTemplateId');
    const r = await ctx.store.resources.find<LaunchTemplateAttrs>(ctx.projectId, ctx.region, id);
    if (r?.kind !== 'launch-template') throw templateNotFoundById(id);
    return r;
  }
  if (name !== undefined) {
    if (!NAME_RE.test(name)) validateName(name);
    const [r] = await ctx.store.resources.byOsIds<LaunchTemplateAttrs>(ctx.projectId, ctx.region, 'launch-template', [name]);
    if (!r) throw templateNotFoundByName(name);
    return r;
  }
  throw ERRORS.missingParameter('LaunchTemplateId or LaunchTemplateName');
}

/** A version string ($Latest, $Default or a number) → the version, or undefined when it does not exist. */
function versionOf(attrs: LaunchTemplateAttrs, v: string): StoredVersion | undefined {
  if (v === '$Latest') return attrs.versions[attrs.versions.length - 1];
  if (v === '$Default') return attrs.versions.find((x) => x.number === attrs.defaultVersion);
  if (!/^\d+$/.test(v)) return undefined;
  return attrs.versions.find((x) => x.number === Number(v));
}

// ---- Presentation ----

function presentTemplate(r: TemplateResource, tags: Tag[]): LaunchTemplate {
  const a = r.attrs;
  return {
    LaunchTemplateId: r.id,
    LaunchTemplateName: a.name,
    CreateTime: new Date(a.createTime),
    CreatedBy: a.createdBy,
    DefaultVersionNumber: a.defaultVersion,
    LatestVersionNumber: a.versions[a.versions.length - 1]?.number ?? a.defaultVersion,
    Tags: tags.length ? tags : undefined,
  };
}

function presentVersion(r: TemplateResource, v: StoredVersion): LaunchTemplateVersion {
  return {
    LaunchTemplateId: r.id,
    LaunchTemplateName: r.attrs.name,
    VersionNumber: v.number,
    VersionDescription: v.description,
    CreateTime: new Date(v.createTime),
    CreatedBy: v.createdBy,
    DefaultVersion: v.number === r.attrs.defaultVersion,
    LaunchTemplateData: reviveData(v.data),
  };
}

const createdBy = (ctx: ActionContext) => `arn:aws:iam::${ctx.principal.ownerId}:user/${ctx.principal.userId}`;
const warningOf = (errors: ValidationError[]) => (errors.length ? { Errors: errors } : undefined);

// ---- RunInstances' entry point ----

/**
 * The data of a launch template version, for RunInstances: the template by id or name (one of them), the version
 * by number, $Latest or $Default (default: $Default). AWS's errors for a missing template or version.
 */
export async function resolveLaunchTemplate(
  ctx: ActionContext, spec: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string },
): Promise<{ launchTemplateId: string; launchTemplateName: string; versionNumber: number; data: ResponseLaunchTemplateData }> {
  const r = await findTemplate(ctx, spec);
  const wanted = spec.Version ?? '$Default';
  const v = versionOf(r.attrs, wanted);
  if (!v) throw versionNotFound(wanted, r.id);
  return { launchTemplateId: r.id, launchTemplateName: r.attrs.name, versionNumber: v.number, data: reviveData(v.data) };
}

/**
 * GetLaunchTemplateData answers from an instance: the instances area registers how (the launch parameters of one of
 * its instances, in the response shape). Until it does, every instance id is InvalidInstanceID.NotFound.
 */
type InstanceDataSource = (ctx: ActionContext, instance: Resource) => Promise<ResponseLaunchTemplateData>;
let instanceData: InstanceDataSource | undefined;
export function registerInstanceLaunchTemplateData(source: InstanceDataSource): void {
  instanceData = source;
}

// ---- Actions ----

defineAction('CreateLaunchTemplate', {
  supports: ['ClientToken', 'LaunchTemplateName', 'VersionDescription', 'LaunchTemplateData', 'TagSpecifications'],
  async handler(ctx, input) {
    const name = validateName(input.LaunchTemplateName);
    validateDescription(input.VersionDescription);
    const tags = tagsFromSpecifications(input.TagSpecifications, ['launch-template']).get('launch-template') ?? [];
    const warnings = await checkData(ctx, input.LaunchTemplateData);
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const now = new Date().toISOString();
      const attrs: LaunchTemplateAttrs = {
        name, createTime: now, createdBy: createdBy(ctx), defaultVersion: 1, nextVersion: 2,
        versions: [{
          number: 1, description: input.VersionDescription, data: storable(toResponseData(input.LaunchTemplateData ?? {})),
          createTime: now, createdBy: createdBy(ctx),
        }],
      };
      const resource = await ctx.store.transaction(async (tx) => {
        const [taken] = await tx.resources.byOsIds(ctx.projectId, ctx.region, 'launch-template', [name]);
        if (taken) throw ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
        if ((await tx.resources.list(ctx.projectId, ctx.region, 'launch-template')).length >= MAX_TEMPLATES) {
          throw ec2Error('LaunchTemplateLimitExceeded', `You have reached the maximum of ${MAX_TEMPLATES} launch templates in this region.`);
        }
        const r = await tx.resources.create<LaunchTemplateAttrs>(ctx.projectId, ctx.region, 'launch-template', name, attrs);
        // The store's unique key on names: a concurrent create of the same name won, and this is its template.
        if (r.attrs.createTime !== now || r.attrs.createdBy !== attrs.createdBy || r.attrs.versions[0]?.createTime !== now) {
          throw ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
        }
        await writeCreateTags(tx, ctx.projectId, r.id, tags);
        return r;
      });
      return { LaunchTemplate: presentTemplate(resource, tags), Warning: warningOf(warnings) };
    });
  },
});

defineAction('DeleteLaunchTemplate', {
  supports: ['LaunchTemplateId', 'LaunchTemplateName'],
  async handler(ctx, input) {
    const r = await findTemplate(ctx, input);
    const tags = (await ctx.store.tags.of(ctx.projectId, [r.id])).get(r.id) ?? [];
    await ctx.store.resources.delete(ctx.projectId, [r.id]);
    return { LaunchTemplate: presentTemplate(r, tags) };
  },
});

const templateFilters: FilterTable<TemplateView> = {
  'create-time': (v) => new Date(v.resource.attrs.createTime),
  'launch-template-name': (v) => v.resource.attrs.name,
};

const templates: DescribeSpec<TemplateView> = {
  kind: 'launch-template',
  action: 'DescribeLaunchTemplates',
  idParam: 'LaunchTemplateId',
  id: (v) => v.resource.id,
  filters: templateFilters,
  tags: (v) => v.tags,
  paging: { min: 1, max: 200 },
  load: async (ctx, q) => (await storedWithTags<LaunchTemplateAttrs>(ctx, 'launch-template', q.ids)),
};

defineAction('DescribeLaunchTemplates', {
  supports: ['LaunchTemplateIds', 'LaunchTemplateNames', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    let ids = input.LaunchTemplateIds;
    ids?.forEach((id, i) => {
      if (!isValidId('launch-template', id)) throw ERRORS.malformedId('launch-template', id, `LaunchTemplateId.${i + 1}`);
    });
    if (ids?.length) {
      const found = new Set((await ctx.store.resources.findMany(ctx.projectId, ctx.region, ids)).filter((r) => r.kind === 'launch-template').map((r) => r.id));
      const missing = ids.find((id) => !found.has(id));
      if (missing) throw templateNotFoundById(missing);
    }
    if (input.LaunchTemplateNames?.length) {
      for (const n of input.LaunchTemplateNames) validateName(n, 'LaunchTemplateName');
      const byName = await ctx.store.resources.byOsIds(ctx.projectId, ctx.region, 'launch-template', input.LaunchTemplateNames);
      const missing = input.LaunchTemplateNames.find((n) => !byName.some((r) => r.osId === n));
      if (missing) {
        throw ec2Error('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
      }
      ids = [...(ids ?? []), ...byName.map((r) => r.id)];
    }
    const { items, nextToken } = await describe(ctx, templates, {
      ids, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { LaunchTemplates: items.map((v) => presentTemplate(v.resource, v.tags)), NextToken: nextToken };
  },
});

/** Reads, changes and writes a template's attributes in one transaction (the row locked where the dialect can). */
async function updateTemplate<T>(ctx: ActionContext, r: TemplateResource, change: (attrs: LaunchTemplateAttrs) => T): Promise<{ resource: TemplateResource; result: T }> {
  return ctx.store.transaction(async (tx) => {
    await tx.resources.lock(ctx.projectId, [r.id]);
    const fresh = await tx.resources.find<LaunchTemplateAttrs>(ctx.projectId, ctx.region, r.id);
    if (fresh?.kind !== 'launch-template') throw templateNotFoundById(r.id);
    const attrs = structuredClone(fresh.attrs);
    const result = change(attrs);
    await tx.resources.updateAttrs(ctx.projectId, r.id, attrs);
    return { resource: { ...fresh, attrs }, result };
  });
}

defineAction('CreateLaunchTemplateVersion', {
  supports: ['ClientToken', 'LaunchTemplateId', 'LaunchTemplateName', 'SourceVersion', 'VersionDescription', 'LaunchTemplateData'],
  async handler(ctx, input) {
    validateDescription(input.VersionDescription);
    const warnings = await checkData(ctx, input.LaunchTemplateData);
    const r = await findTemplate(ctx, input);
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const given = toResponseData(input.LaunchTemplateData ?? {});
      const { resource, result: version } = await updateTemplate(ctx, r, (attrs) => {
        let data = storable(given) as Record<string, unknown>;
        if (input.SourceVersion !== undefined) {
          const source = versionOf(attrs, input.SourceVersion);
          if (!source) throw versionNotFound(input.SourceVersion, r.id);
          // AWS: the new version inherits the source's parameters, except those given in LaunchTemplateData.
          data = { ...(source.data as Record<string, unknown>), ...data };
        }
        if (attrs.versions.length >= MAX_VERSIONS) {
          throw ec2Error('LaunchTemplateVersionLimitExceeded', `A launch template can have at most ${MAX_VERSIONS} versions.`);
        }
        const v: StoredVersion = {
          number: attrs.nextVersion, description: input.VersionDescription, data, createTime: new Date().toISOString(), createdBy: createdBy(ctx),
        };
        attrs.nextVersion += 1;
        attrs.versions.push(v);
        return v;
      });
      return { LaunchTemplateVersion: presentVersion(resource, version), Warning: warningOf(warnings) };
    });
  },
});

defineAction('ModifyLaunchTemplate', {
  supports: ['ClientToken', 'LaunchTemplateId', 'LaunchTemplateName', 'DefaultVersion'],
  async handler(ctx, input) {
    const r = await findTemplate(ctx, input);
    return withClientToken(ctx, input.ClientToken, input, async () => {
      const { resource } = await updateTemplate(ctx, r, (attrs) => {
        if (input.DefaultVersion === undefined) return;
        if (!/^\d+$/.test(input.DefaultVersion)) {
          throw ERRORS.invalidParameterValue('SetDefaultVersion', input.DefaultVersion, 'It must be a version number.');
        }
        const v = versionOf(attrs, input.DefaultVersion);
        if (!v) throw versionNotFound(input.DefaultVersion, r.id);
        attrs.defaultVersion = v.number;
      });
      const tags = (await ctx.store.tags.of(ctx.projectId, [r.id])).get(r.id) ?? [];
      return { LaunchTemplate: presentTemplate(resource, tags) };
    });
  },
});

defineAction('DeleteLaunchTemplateVersions', {
  supports: ['LaunchTemplateId', 'LaunchTemplateName', 'Versions'],
  async handler(ctx, input) {
    const versions = input.Versions ?? [];
    if (versions.length === 0) throw ERRORS.missingParameter('LaunchTemplateVersion');
    if (versions.length > 200) throw ERRORS.invalidParameterValue('LaunchTemplateVersion', versions.length, 'At most 200 versions can be deleted at once.');
    // A template that is not there (or not well named) is answered per version, with the codes AWS has for it.
    const missing = await findTemplate(ctx, input).then(() => undefined, (e) => e);
    if (missing !== undefined) {
      const code = !(missing instanceof Ec2Error) ? undefined
        : missing.code === 'InvalidLaunchTemplateId.NotFound' ? 'launchTemplateIdDoesNotExist'
          : missing.code === 'InvalidLaunchTemplateId.Malformed' ? 'launchTemplateIdMalformed'
            : missing.code === 'InvalidLaunchTemplateName.NotFoundException' ? 'launchTemplateNameDoesNotExist'
              : missing.code === 'InvalidLaunchTemplateName.MalformedException' ? 'launchTemplateNameMalformed' : undefined;
      if (code === undefined) throw missing;
      return {
        UnsuccessfullyDeletedLaunchTemplateVersions: versions.map((v) => ({
          LaunchTemplateId: input.LaunchTemplateId, LaunchTemplateName: input.LaunchTemplateName,
          VersionNumber: /^\d+$/.test(v) ? Number(v) : undefined,
          ResponseError: { Code: code, Message: (missing as Ec2Error).message },
        })),
      };
    }
    const r = await findTemplate(ctx, input);
    const { result } = await updateTemplate(ctx, r, (attrs) => {
      const ok: { LaunchTemplateId: string; LaunchTemplateName: string; VersionNumber: number }[] = [];
      const failed: { LaunchTemplateId: string; LaunchTemplateName: string; VersionNumber?: number;
        ResponseError: { Code: 'launchTemplateVersionDoesNotExist' | 'unexpectedError'; Message: string } }[] = [];
      for (const given of versions) {
        const number = /^\d+$/.test(given) ? Number(given) : undefined;
        const base = { LaunchTemplateId: r.id, LaunchTemplateName: attrs.name };
        const at = number === undefined ? -1 : attrs.versions.findIndex((v) => v.number === number);
        if (number === undefined || at < 0) {
          failed.push({ ...base, VersionNumber: number,
            ResponseError: { Code: 'launchTemplateVersionDoesNotExist', Message: 'The specified launch template version does not exist.' } });
        } else if (number === attrs.defaultVersion) {
          failed.push({ ...base, VersionNumber: number,
            ResponseError: { Code: 'unexpectedError', Message: 'Cannot delete the default version of a launch template. Delete the launch template instead, or set another version as the default.' } });
        } else {
          attrs.versions.splice(at, 1);
          ok.push({ ...base, VersionNumber: number });
        }
      }
      return { ok, failed };
    });
    return {
      SuccessfullyDeletedLaunchTemplateVersions: result.ok.length ? result.ok : undefined,
      UnsuccessfullyDeletedLaunchTemplateVersions: result.failed.length ? result.failed : undefined,
    };
  },
});

interface VersionView { resource: TemplateResource; version: StoredVersion; data: ResponseLaunchTemplateData }

const versionFilters: FilterTable<VersionView> = {
  'create-time': (v) => new Date(v.version.createTime),
  'ebs-optimized': (v) => v.data.EbsOptimized,
  'http-endpoint': (v) => v.data.MetadataOptions?.HttpEndpoint,
  'host-resource-group-arn': (v) => v.data.Placement?.HostResourceGroupArn,
  'http-tokens': (v) => v.data.MetadataOptions?.HttpTokens,
  'iam-instance-profile': (v) => [v.data.IamInstanceProfile?.Arn, v.data.IamInstanceProfile?.Name],
  'image-id': (v) => v.data.ImageId,
  'instance-type': (v) => v.data.InstanceType,
  'is-default-version': (v) => v.version.number === v.resource.attrs.defaultVersion,
  'kernel-id': (v) => v.data.KernelId,
  'license-configuration-arn': (v) => (v.data.LicenseSpecifications ?? []).map((l) => l.LicenseConfigurationArn),
  'network-card-index': (v) => (v.data.NetworkInterfaces ?? []).map((n) => n.NetworkCardIndex),
  'ram-disk-id': (v) => v.data.RamDiskId,
};

defineAction('DescribeLaunchTemplateVersions', {
  supports: ['LaunchTemplateId', 'LaunchTemplateName', 'Versions', 'MinVersion', 'MaxVersion', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const named = input.LaunchTemplateId !== undefined || input.LaunchTemplateName !== undefined;
    const wanted = input.Versions ?? [];
    wanted.forEach((v, i) => {
      if (v !== '$Latest' && v !== '$Default' && !/^\d+$/.test(v)) {
        throw ERRORS.invalidParameterValue(`LaunchTemplateVersion.${i + 1}`, v, 'A version is a number, $Latest or $Default.');
      }
    });
    const bound = (v: string | undefined, param: string) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) throw ERRORS.invalidParameterValue(param, v, 'It must be a version number.');
      return Number(v);
    };
    const min = bound(input.MinVersion, 'MinVersion');
    const max = bound(input.MaxVersion, 'MaxVersion');
    if (!named && wanted.some((v) => /^\d+$/.test(v))) {
      throw ERRORS.invalidParameterCombination('Version numbers can be given only with LaunchTemplateId or LaunchTemplateName.');
    }
    const table = versionFilters;
    const sources: TemplateResource[] = named
      ? [await findTemplate(ctx, input)]
      : (await ctx.store.resources.list<LaunchTemplateAttrs>(ctx.projectId, ctx.region, 'launch-template'));
    let views: VersionView[] = [];
    for (const r of sources) {
      let picked: StoredVersion[];
      if (wanted.length) {
        picked = [];
        for (const w of wanted) {
          const v = versionOf(r.attrs, w);
          if (!v) {
            if (named) throw versionNotFound(w, r.id);
            continue;
          }
          if (!picked.includes(v)) picked.push(v);
        }
      } else {
        picked = r.attrs.versions;
      }
      picked = picked.filter((v) => (min === undefined || v.number >= min) && (max === undefined || v.number <= max));
      views.push(...picked.map((version) => ({ resource: r, version, data: reviveData(version.data) })));
    }
    views = applyFilters(views, input.Filters, table);
    const key = (v: VersionView) => `${v.resource.id}.${String(v.version.number).padStart(10, '0')}`;
    const { page, nextToken } = paginate(views, input, key, {
      action: 'DescribeLaunchTemplateVersions', min: 1, max: 200,
      query: { i: input.LaunchTemplateId, n: input.LaunchTemplateName, v: input.Versions, a: input.MinVersion, b: input.MaxVersion, f: input.Filters, r: ctx.region },
    });
    return { LaunchTemplateVersions: page.map((v) => presentVersion(v.resource, v.version)), NextToken: nextToken };
  },
});

defineAction('GetLaunchTemplateData', {
  supports: ['InstanceId'],
  async handler(ctx, input) {
    if (input.InstanceId === undefined) throw ERRORS.missingParameter('InstanceId');
    if (!instanceData) {
      if (!isValidId('instance', input.InstanceId)) throw ERRORS.malformedId('instance', input.InstanceId, 'InstanceId');
      throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${input.InstanceId}' does not exist`);
    }
    const instance = await requireResource(ctx, 'instance', input.InstanceId, 'InstanceId');
    return { LaunchTemplateData: await instanceData(ctx, instance) };
  },
});
