/**
 * The registry of resource kinds: the one place that lists them. Ids, the
 * not-found/malformed errors, tag validation, TagSpecifications and
 * DescribeTags' `resource-type` all read it. A new resource area adds one
 * entry here and one module of actions (src/actions/<area>.ts).
 *
 * EC2's error spellings are irregular (InvalidKeyPair.NotFound, InvalidVpcID.NotFound,
 * InvalidGroup.NotFound …), so each kind states its own.
 */
import type { ResourceType } from '@aws-sdk/client-ec2';

/** The provider service that owns the backend object; 'store' for EC2-only objects kept in the store. */
export type OwningService = 'compute' | 'network' | 'block-storage' | 'image' | 'store';

export interface KindSpec {
  /** Id prefix: `key` in key-0123456789abcdef0. */
  prefix: string;
  /** EC2's resource type (TagSpecification.ResourceType, DescribeTags resource-type). */
  resourceType: ResourceType;
  /** Singular noun for messages: "The key pair ID 'key-…' does not exist". */
  label: string;
  /** Error code when an id (or name) of this kind does not exist. */
  notFound: string;
  /** Error code when an id of this kind is malformed. */
  malformed: string;
  taggable: boolean;
  service: OwningService;
}

const defineKinds = <K extends string>(kinds: Record<K, KindSpec>) => kinds;

export const KINDS = defineKinds({
  // AWS has no Malformed code for key pair ids: a bad one is InvalidID.
  'key-pair': {
    prefix: 'key', resourceType: 'key-pair', label: 'key pair',
    notFound: 'InvalidKeyPair.NotFound', malformed: 'InvalidID', taggable: true, service: 'compute',
  },
});

export type Kind = keyof typeof KINDS;

export const kindSpec = (kind: Kind): KindSpec => KINDS[kind];

const byPrefix = new Map<string, Kind>(Object.entries(KINDS).map(([k, s]) => [(s as KindSpec).prefix, k as Kind]));
const byResourceType = new Map<string, Kind>(Object.entries(KINDS).map(([k, s]) => [(s as KindSpec).resourceType, k as Kind]));

export const kindOfPrefix = (prefix: string): Kind | undefined => byPrefix.get(prefix);
export const kindOfResourceType = (type: string): Kind | undefined => byResourceType.get(type);
export const allKinds = (): Kind[] => Object.keys(KINDS) as Kind[];
