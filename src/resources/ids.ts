/**
 * EC2 ids: a resource prefix, a dash and 17 hex digits (`key-0a1b2c3d4e5f67890`).
 * The old 8-digit form is accepted on input, as AWS still does.
 */
import { randomBytes } from 'node:crypto';
import { type Kind, kindOfPrefix, kindSpec } from './kinds.js';

const SHAPE = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function newId(kind: Kind): string {
  return `${kindSpec(kind).prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export function isValidId(kind: Kind, id: string): boolean {
  const m = SHAPE.exec(id);
  return m !== null && m[1] === kindSpec(kind).prefix;
}

/** The resource kind an id names, by its prefix; undefined for malformed ids and prefixes this service does not know. */
export function kindOfId(id: string): Kind | undefined {
  const m = SHAPE.exec(id);
  return m ? kindOfPrefix(m[1]) : undefined;
}
