/**
 * Key pairs: CreateKeyPair, ImportKeyPair, DeleteKeyPair, DescribeKeyPairs.
 * Keys are generated here (so every backend gets AWS's key types, formats and
 * fingerprints) and imported into the cloud's key store (Nova). Key pairs made
 * outside EC2 (openstack keypair create) get an EC2 id on first sight.
 */
import type { KeyPairInfo } from '@aws-sdk/client-ec2';
import { isProviderError } from '../cloud/errors.js';
import type { KeyPairRecord } from '../cloud/records.js';
import { ERRORS } from '../errors/catalog.js';
import { applyFilters, type FilterTable } from '../kit/filters.js';
import { isValidId } from '../kit/ids.js';
import { generateKeyPair, parsePublicKey } from '../kit/key-material.js';
import { applyCreateTags, tagsFromSpecifications } from '../kit/tags.js';
import type { Resource, Tag } from '../store/store.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

interface KeyAttrs { fingerprint: string; keyType: 'rsa' | 'ed25519' | 'ecdsa' }
interface KeyView { record: KeyPairRecord; resource: Resource; tags: Tag[] }

// AWS: key names are up to 255 ASCII characters.
function validateKeyName(name: string, param = 'KeyName') {
  if (name.length === 0) throw ERRORS.invalidParameterValue(param, name, 'The key name must not be empty.');
  if (name.length > 255) throw ERRORS.invalidParameterValue(param, name, 'The key name can be at most 255 characters.');
  if (!/^[\x20-\x7e]+$/.test(name)) throw ERRORS.invalidParameterValue(param, name, 'The key name must be printable ASCII.');
}

function attrsOf(resource: Resource, record: KeyPairRecord): KeyAttrs {
  const a = resource.attrs as Partial<KeyAttrs>;
  if (a.fingerprint && a.keyType) return a as KeyAttrs;
  const parsed = parsePublicKey(record.publicKey);
  return { fingerprint: parsed.fingerprint, keyType: parsed.keyType };
}

/** Every key pair of the project in this region, each with its EC2 id (assigned on first sight) and tags. */
async function listKeys(ctx: ActionContext): Promise<KeyView[]> {
  const records = (await ctx.cloud.compute.listKeyPairs(ctx.cloudCtx)).items;
  const mapped = await ctx.store.listResources(ctx.projectId, ctx.region, 'key-pair');
  const byName = new Map(mapped.map((r) => [r.osId, r]));
  const views: Omit<KeyView, 'tags'>[] = [];
  for (const record of records) {
    let resource = byName.get(record.name);
    if (!resource) {
      let attrs: Partial<KeyAttrs> = {};
      try {
        const parsed = parsePublicKey(record.publicKey);
        attrs = { fingerprint: parsed.fingerprint, keyType: parsed.keyType };
      } catch {
        continue; // x509 or a key type EC2 cannot show
      }
      resource = await ctx.store.ensureResource(ctx.projectId, ctx.region, 'key-pair', record.name, attrs);
    }
    byName.delete(record.name);
    views.push({ record, resource });
  }
  // Mappings whose key pair was deleted outside EC2. A key created while this listing ran
  // has its mapping but is missing from `records`: ask the cloud before forgetting it.
  for (const stale of byName.values()) {
    if (!(await ctx.cloud.compute.getKeyPair(ctx.cloudCtx, stale.osId))) await ctx.store.deleteResource(ctx.projectId, stale.id);
  }
  const tags = await ctx.store.tagsOf(ctx.projectId, views.map((v) => v.resource.id));
  return views.map((v) => ({ ...v, tags: tags.get(v.resource.id) ?? [] }));
}

function present(v: KeyView, includePublicKey: boolean): KeyPairInfo {
  const attrs = attrsOf(v.resource, v.record);
  return {
    KeyPairId: v.resource.id,
    KeyType: attrs.keyType === 'ecdsa' ? undefined : attrs.keyType,
    Tags: v.tags,
    PublicKey: includePublicKey ? v.record.publicKey : undefined,
    CreateTime: v.record.createdAt ?? new Date(v.resource.createdAt),
    KeyName: v.record.name,
    KeyFingerprint: attrs.fingerprint,
  };
}

const keyFilters: FilterTable<KeyView> = {
  'key-pair-id': (v) => v.resource.id,
  'key-name': (v) => v.record.name,
  fingerprint: (v) => attrsOf(v.resource, v.record).fingerprint,
  'key-type': (v) => attrsOf(v.resource, v.record).keyType,
};

async function importIntoCloud(ctx: ActionContext, name: string, publicKey: string, attrs: KeyAttrs, tags: Tag[]) {
  // A mapping of an earlier key of the same name (deleted outside EC2) must not be reused. Look it up before
  // the import: once the key is in the cloud, a concurrent DescribeKeyPairs may map it, and that mapping is this key's.
  const stale = await ctx.store.findResourceByOsId(ctx.projectId, ctx.region, 'key-pair', name);
  let record: KeyPairRecord;
  try {
    record = await ctx.cloud.compute.importKeyPair(ctx.cloudCtx, name, publicKey);
  } catch (e) {
    if (isProviderError(e, 'Conflict')) throw ERRORS.keyPairDuplicate(name);
    // Nova restricts key names more than AWS (e.g. no '*', '/', ':' or edge spaces): name the parameter.
    if (isProviderError(e, 'BadRequest')) {
      if (/name/i.test(e.message)) throw ERRORS.invalidParameterValue('KeyName', name, `The cloud refused the name: ${e.message}`);
      throw ERRORS.keyFormat(`The cloud refused the public key: ${e.message}`);
    }
    if (isProviderError(e, 'QuotaExceeded')) throw ERRORS.resourceLimitExceeded(`Maximum number of key pairs has been reached (${name}).`);
    throw e;
  }
  try {
    if (stale) await ctx.store.deleteResource(ctx.projectId, stale.id);
    let resource = await ctx.store.createResource(ctx.projectId, ctx.region, 'key-pair', name, attrs);
    const seen = resource.attrs as Partial<KeyAttrs>;
    if (seen.fingerprint !== attrs.fingerprint || seen.keyType !== attrs.keyType) {
      // A concurrent DescribeKeyPairs mapped the key first, with attributes parsed from its public key
      // (for a created RSA key not AWS's fingerprint): keep its id, store ours.
      await ctx.store.updateResourceAttrs(ctx.projectId, resource.id, attrs);
      resource = { ...resource, attrs: { ...attrs } };
    }
    await applyCreateTags(ctx, resource.id, tags);
    return { record, resource };
  } catch (e) {
    await ctx.cloud.compute.deleteKeyPair(ctx.cloudCtx, name).catch(() => undefined); // undo: nothing half-made
    throw e;
  }
}

defineAction('CreateKeyPair', {
  supports: ['KeyName', 'KeyType', 'KeyFormat', 'TagSpecifications'],
  async handler(ctx, input) {
    validateKeyName(input.KeyName);
    const tags = tagsFromSpecifications(input.TagSpecifications, 'key-pair');
    const keyType = input.KeyType ?? 'rsa';
    const generated = generateKeyPair(keyType, input.KeyFormat ?? 'pem', input.KeyName);
    const { resource } = await importIntoCloud(ctx, input.KeyName, generated.publicKeyOpenSsh,
      { fingerprint: generated.fingerprint, keyType }, tags);
    return {
      KeyFingerprint: generated.fingerprint,
      KeyMaterial: generated.privateKeyMaterial,
      KeyName: input.KeyName,
      KeyPairId: resource.id,
      Tags: tags,
    };
  },
});

defineAction('ImportKeyPair', {
  supports: ['KeyName', 'PublicKeyMaterial', 'TagSpecifications'],
  async handler(ctx, input) {
    validateKeyName(input.KeyName);
    const tags = tagsFromSpecifications(input.TagSpecifications, 'key-pair');
    const parsed = parsePublicKey(Buffer.from(input.PublicKeyMaterial).toString('utf8'));
    const { resource } = await importIntoCloud(ctx, input.KeyName, parsed.publicKeyOpenSsh,
      { fingerprint: parsed.fingerprint, keyType: parsed.keyType }, tags);
    return { KeyFingerprint: parsed.fingerprint, KeyName: input.KeyName, KeyPairId: resource.id, Tags: tags };
  },
});

defineAction('DeleteKeyPair', {
  supports: ['KeyName', 'KeyPairId'],
  async handler(ctx, input) {
    if (input.KeyName === undefined && input.KeyPairId === undefined) throw ERRORS.missingParameter('KeyName or KeyPairId');
    let name = input.KeyName;
    let resource: Resource | undefined;
    if (input.KeyPairId !== undefined) {
      if (!isValidId('key-pair', input.KeyPairId)) throw ERRORS.malformedId(input.KeyPairId, 'KeyPairId');
      resource = await ctx.store.findResource(ctx.projectId, ctx.region, input.KeyPairId);
      if (resource?.kind !== 'key-pair') throw ERRORS.idNotFound('key-pair', input.KeyPairId);
      if (name !== undefined && name !== resource.osId) {
        throw ERRORS.invalidParameterCombination(`KeyPairId ${input.KeyPairId} does not name the key pair '${name}'`);
      }
      name = resource.osId;
    } else if (name !== undefined) {
      resource = await ctx.store.findResourceByOsId(ctx.projectId, ctx.region, 'key-pair', name);
    }
    try {
      await ctx.cloud.compute.deleteKeyPair(ctx.cloudCtx, name as string);
    } catch (e) {
      // AWS: deleting a key pair that does not exist (by name) succeeds.
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    if (resource) await ctx.store.deleteResource(ctx.projectId, resource.id);
    return { Return: true, KeyPairId: resource?.id };
  },
});

defineAction('DescribeKeyPairs', {
  supports: ['KeyNames', 'KeyPairIds', 'Filters', 'IncludePublicKey'],
  async handler(ctx, input) {
    input.KeyPairIds?.forEach((id, i) => {
      if (!isValidId('key-pair', id)) throw ERRORS.malformedId(id, `KeyPairId.${i + 1}`);
    });
    let keys = await listKeys(ctx);
    if (input.KeyNames?.length) {
      const missing = input.KeyNames.find((n) => !keys.some((k) => k.record.name === n));
      if (missing !== undefined) throw ERRORS.notFound('key-pair', missing);
      keys = keys.filter((k) => input.KeyNames?.includes(k.record.name));
    }
    if (input.KeyPairIds?.length) {
      const missing = input.KeyPairIds.find((id) => !keys.some((k) => k.resource.id === id));
      if (missing !== undefined) throw ERRORS.idNotFound('key-pair', missing);
      keys = keys.filter((k) => input.KeyPairIds?.includes(k.resource.id));
    }
    const matched = applyFilters(keys, input.Filters, keyFilters, (k) => k.tags);
    matched.sort((a, b) => a.record.name.localeCompare(b.record.name));
    return { KeyPairs: matched.map((k) => present(k, input.IncludePublicKey === true)) };
  },
});
