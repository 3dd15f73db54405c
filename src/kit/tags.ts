/**
 * Tag rules, written once: AWS's limits (50 tags a resource, key ≤ 128,
 * value ≤ 256 characters, the `aws:` prefix reserved) and TagSpecifications
 * on create. AWS: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions
 */
import type { ResourceType, TagSpecification } from '@aws-sdk/client-ec2';
import { ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import { kindOfResourceType, kindSpec } from '../resources/kinds.js';
import type { Store, Tag } from '../store/store.js';

export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;

export function tagLimitMessage() {
  return `The maximum number of tags (${MAX_TAGS_PER_RESOURCE}) for a resource has been reached.`;
}

/**
 * Validates tags as given by a client; `param` is the wire prefix (`Tag`, `TagSpecification.1.Tag`).
 * A missing Value stays missing (DeleteTags: any value); use `withValues` where it means ''.
 */
export function validateTags(tags: { Key?: string; Value?: string }[], param: string): { Key: string; Value?: string }[] {
  const seen = new Set<string>();
  return tags.map((t, i) => {
    const at = `${param}.${i + 1}`;
    if (t.Key === undefined) throw ERRORS.missingParameter(`${at}.Key`);
    if (t.Key.length === 0) throw ERRORS.invalidParameterValue(`${at}.Key`, '', 'Tag keys must not be empty.');
    if ([...t.Key].length > MAX_KEY) throw ERRORS.invalidParameterValue(`${at}.Key`, t.Key, `Tag keys can be at most ${MAX_KEY} characters.`);
    if (t.Key.toLowerCase().startsWith('aws:')) {
      throw ERRORS.invalidParameterValue(`${at}.Key`, t.Key, "Tag keys starting with 'aws:' are reserved for internal use.");
    }
    if (t.Value !== undefined && [...t.Value].length > MAX_VALUE) {
      throw ERRORS.invalidParameterValue(`${at}.Value`, t.Value, `Tag values can be at most ${MAX_VALUE} characters.`);
    }
    if (seen.has(t.Key)) throw new Ec2Error('InvalidParameterValue', `Duplicate tag key '${t.Key}' in ${param}`);
    seen.add(t.Key);
    return { Key: t.Key, Value: t.Value };
  });
}

/** Tags to write: a missing Value is the empty string, as in EC2. */
export const withValues = (tags: { Key: string; Value?: string }[]): Tag[] => tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));

/**
 * The tags TagSpecifications ask for, by resource type. `types` are the resource types the operation creates
 * (all taggable kinds of the registry); a specification for another type is InvalidParameterValue, as in EC2.
 * Several specifications of one type merge; a key given twice for one type is refused.
 */
export function tagsFromSpecifications(specs: TagSpecification[] | undefined, types: readonly ResourceType[]): Map<ResourceType, Tag[]> {
  for (const t of types) {
    const kind = kindOfResourceType(t);
    if (!kind || !kindSpec(kind).taggable) throw new Error(`tagsFromSpecifications: ${t} is not a taggable kind of the registry`);
  }
  const out = new Map<ResourceType, Tag[]>();
  (specs ?? []).forEach((spec, i) => {
    const at = `TagSpecification.${i + 1}`;
    const type = spec.ResourceType;
    if (type === undefined) throw ERRORS.missingParameter(`${at}.ResourceType`);
    if (!types.includes(type)) {
      throw ERRORS.invalidParameterValue(`${at}.ResourceType`, type, `'${type}' is not a valid taggable resource type for this operation.`);
    }
    const tags = [...(out.get(type) ?? []), ...withValues(validateTags(spec.Tags ?? [], `${at}.Tag`))];
    if (new Set(tags.map((t) => t.Key)).size !== tags.length) {
      throw new Ec2Error('InvalidParameterValue', `TagSpecification: a tag key is given more than once for resource type '${type}'`);
    }
    if (tags.length > MAX_TAGS_PER_RESOURCE) throw ERRORS.tagLimitExceeded(tagLimitMessage());
    out.set(type, tags);
  });
  return out;
}

/** Writes the tags of a newly created resource; `store` is the create's transaction. */
export async function writeCreateTags(store: Store, projectId: string, resourceId: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  const { over, missing } = await store.tags.put(projectId, [resourceId], tags, MAX_TAGS_PER_RESOURCE);
  if (over || missing) throw new Error(`tags of new resource ${resourceId} not written (${over ? 'limit' : 'gone'})`);
}

/** A resource's tags as the VPC API shows them: AWS leaves `tagSet` out when there are none. */
export const tagSet = (tags: Tag[]): Tag[] | undefined => (tags.length ? tags : undefined);
