/**
 * The format of src/protocol/generated/model.ts, the compact wire model that
 * scripts/codegen.ts writes from @aws-sdk/client-ec2 and src/protocol/model.ts
 * reads at run time. Shapes live in one table and refer to each other by index
 * (EC2 has recursive shapes); defaults are left out to keep the file small.
 */
import type { ScalarKind } from './model.js';

export const ShapeTag = { Struct: 0, List: 1, Map: 2, Scalar: 3 } as const;
type Tag = typeof ShapeTag;

export const SCALAR_KINDS: readonly string[] = ['string', 'number', 'boolean', 'timestamp', 'blob'];

/**
 * A structure member: name, shape index, enum index (-1: none), then optionally the
 * XML name (default: the member name) and the query name (default: defaultQueryName(xmlName)).
 */
export type CompactMember = [name: string, shape: number, enumIndex: number, xmlName?: string, queryName?: string];

export type CompactShape =
  /** Members come in model order; the first `required` of them are required (the SDK schema's convention). */
  | [tag: Tag['Struct'], name: string, required: number, ...members: CompactMember[]]
  | [tag: Tag['List'], name: string, member: number, itemXmlName: string]
  | [tag: Tag['Map'], name: string, key: number, value: number]
  | [tag: Tag['Scalar'], kind: ScalarKind];

export interface CompactModel {
  sdkVersion: string;
  /** operation name → [input shape, output shape]; -1 where the model has Unit. */
  operations: Record<string, [input: number, output: number]>;
  shapes: CompactShape[];
  /** enum values, referenced by members */
  enums: string[][];
}

/** The ec2Query protocol's name for a member without an ec2QueryName trait: its XML name, capitalized. */
export const defaultQueryName = (xmlName: string) => xmlName.charAt(0).toUpperCase() + xmlName.slice(1);
