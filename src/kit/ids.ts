/**
 * EC2 ids: a resource prefix, a dash and 17 hex digits (`key-0a1b2c3d4e5f67890`).
 * The old 8-digit form is accepted on input, as AWS still does.
 */
import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = { 'key-pair': 'key' } as const;
export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export function isValidId(kind: IdKind, id: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

/** The resource kind an id names, by its prefix; undefined for prefixes this service does not know. */
export function kindOfId(id: string): IdKind | undefined {
  const prefix = id.split('-', 1)[0];
  const entry = Object.entries(ID_PREFIXES).find(([, p]) => p === prefix);
  if (!entry || !isValidId(entry[0] as IdKind, id)) return undefined;
  return entry[0] as IdKind;
}

/** The EC2 resource-type names (DescribeTags resource-type, TagSpecification.ResourceType). */
export const RESOURCE_TYPES: Record<IdKind, string> = { 'key-pair': 'key-pair' };
