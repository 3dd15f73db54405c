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
import type { FilterTable } from '../kit/filters.js';
import { generateKeyPair, parsePublicKey } from '../kit/key-material.js';
import { tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { isValidId } from '../resources/ids.js';
import { type Mapped, mapCloudObjects } from '../resources/mapping.js';
import { createWithUndo } from '../resources/undo.js';
import type { Resource, Tag } from '../store/store.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

interface KeyAttrs { fingerprint: string; keyType: 'rsa' | 'ed25519' | 'ecdsa' }
type KeyView = Mapped<KeyPairRecord>;

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

/** First sight of a key pair made outside EC2: its fingerprint and type; undefined for x509 or types EC2 cannot show. */
function firstSight(record: KeyPairRecord): KeyAttrs | undefined {
  try {
    const parsed = parsePublicKey(record.publicKey);
    return { fingerprint: parsed.fingerprint, keyType: parsed.keyType };
  } catch {
    return undefined;
  }
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

const keyPairs: DescribeSpec<KeyView> = {
  kind: 'key-pair',
  action: 'DescribeKeyPairs',
  idParam: 'KeyPairId',
  id: (v) => v.resource.id,
  name: (v) => v.record.name,
  key: (v) => v.record.name,
  filters: keyFilters,
  tags: (v) => v.tags,
  async load(ctx, q) {
    // Key pairs are named in Nova: ids become names through their mappings.
    const names = new Set(q.names);
    if (q.ids) for (const r of await ctx.store.resources.findMany(ctx.projectId, ctx.region, q.ids)) if (r.kind === 'key-pair') names.add(r.osId);
    const addressed = q.ids !== undefined || q.names !== undefined;
    if (addressed && names.size === 0) return [];
    const { items: records } = await ctx.cloud.compute.listKeyPairs(ctx.cloudCtx, addressed ? { ids: [...names] } : undefined);
    return mapCloudObjects(ctx, 'key-pair', records, {
      osId: (r) => r.name,
      firstSight,
      authoritative: {
        osIds: addressed ? [...names] : undefined,
        stillExists: async (name) => (await ctx.cloud.compute.getKeyPair(ctx.cloudCtx, name)) !== undefined,
      },
    });
  },
};

/** Imports the key into the cloud, then maps and tags it in one store transaction; a failure after the import undoes it. */
async function importIntoCloud(ctx: ActionContext, name: string, publicKey: string, attrs: KeyAttrs, tags: Tag[]) {
  // A mapping of an earlier key of the same name (deleted outside EC2) must not be reused. Look it up before
  // the import: once the key is in the cloud, a concurrent DescribeKeyPairs may map it, and that mapping is this key's.
  const [stale] = await ctx.store.resources.byOsIds(ctx.projectId, ctx.region, 'key-pair', [name]);
  return createWithUndo(ctx, async (undo) => {
    const record = await undo.step('import key pair', async () => {
      try {
        return await ctx.cloud.compute.importKeyPair(ctx.cloudCtx, name, publicKey);
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
    }, () => ctx.cloud.compute.deleteKeyPair(undo.cloudCtx, name));
    const resource = await ctx.store.transaction(async (tx) => {
      if (stale) await tx.resources.delete(ctx.projectId, [stale.id]);
      let resource = await tx.resources.create(ctx.projectId, ctx.region, 'key-pair', name, attrs);
      const seen = resource.attrs as Partial<KeyAttrs>;
      if (seen.fingerprint !== attrs.fingerprint || seen.keyType !== attrs.keyType) {
        // A concurrent DescribeKeyPairs mapped the key first, with attributes parsed from its public key
        // (for a created RSA key not AWS's fingerprint): keep its id, store ours.
        await tx.resources.updateAttrs(ctx.projectId, resource.id, attrs);
        resource = { ...resource, attrs: { ...attrs } };
      }
      await writeCreateTags(tx, ctx.projectId, resource.id, tags);
      return resource;
    });
    return { record, resource };
  });
}

defineAction('CreateKeyPair', {
  supports: ['KeyName', 'KeyType', 'KeyFormat', 'TagSpecifications'],
  async handler(ctx, input) {
    validateKeyName(input.KeyName);
    const tags = tagsFromSpecifications(input.TagSpecifications, ['key-pair']).get('key-pair') ?? [];
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
    const tags = tagsFromSpecifications(input.TagSpecifications, ['key-pair']).get('key-pair') ?? [];
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
      if (!isValidId('key-pair', input.KeyPairId)) throw ERRORS.malformedId('key-pair', input.KeyPairId, 'KeyPairId');
      resource = await ctx.store.resources.find(ctx.projectId, ctx.region, input.KeyPairId);
      if (resource?.kind !== 'key-pair') throw ERRORS.idNotFound('key-pair', [input.KeyPairId]);
      if (name !== undefined && name !== resource.osId) {
        throw ERRORS.invalidParameterCombination(`KeyPairId ${input.KeyPairId} does not name the key pair '${name}'`);
      }
      name = resource.osId;
    } else if (name !== undefined) {
      [resource] = await ctx.store.resources.byOsIds(ctx.projectId, ctx.region, 'key-pair', [name]);
    }
    try {
      await ctx.cloud.compute.deleteKeyPair(ctx.cloudCtx, name as string);
    } catch (e) {
      // AWS: deleting a key pair that does not exist (by name) succeeds.
      if (!isProviderError(e, 'NotFound')) throw e;
    }
    if (resource) await ctx.store.resources.delete(ctx.projectId, [resource.id]);
    return { Return: true, KeyPairId: resource?.id };
  },
});

defineAction('DescribeKeyPairs', {
  supports: ['KeyNames', 'KeyPairIds', 'Filters', 'IncludePublicKey'],
  async handler(ctx, input) {
    const { items } = await describe(ctx, keyPairs, { ids: input.KeyPairIds, names: input.KeyNames, Filters: input.Filters });
    return { KeyPairs: items.map((k) => present(k, input.IncludePublicKey === true)) };
  },
});
