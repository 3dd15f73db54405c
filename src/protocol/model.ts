/**
 * The EC2 service model, read from the runtime schemas that @aws-sdk/client-ec2
 * exports (`DescribeVpcs$`, `DescribeVpcsRequest$` …), compiled once into plain
 * shape trees that the decoder and encoder walk without reflection.
 * Owns: wire names (query names, XML names), shape kinds, required members, enums.
 * Knows nothing about clouds, storage or HTTP.
 */
import * as sdk from '@aws-sdk/client-ec2';
import { NormalizedSchema } from '@smithy/core/schema';
import { ENUM_MEMBERS, ENUM_VALUES } from './generated/enums.js';
import type { OperationName } from './generated/operations.js';
import { OPEN_ENUMS } from './overlay.js';

export type ScalarKind = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob';

export interface MemberShape {
  name: string;
  /** Name in the Query request (`Filter`, `KeyName`, `DryRun`). */
  queryName: string;
  /** Name in the XML response (`keySet`, `keyPairId`). */
  xmlName: string;
  shape: Shape;
  required: boolean;
  enumValues?: readonly string[];
}

export type Shape =
  | { kind: 'struct'; name: string; members: MemberShape[]; byQueryName: Map<string, MemberShape>; byName: Map<string, MemberShape> }
  | { kind: 'list'; name: string; member: Shape; itemXmlName: string; itemEnumValues?: readonly string[] }
  | { kind: 'map'; name: string; key: Shape; value: Shape }
  | { kind: ScalarKind; name: string };

export interface OperationModel {
  name: OperationName;
  input: Extract<Shape, { kind: 'struct' }>;
  /** undefined for operations whose output is Unit (they answer `<return>true</return>`). */
  output?: Extract<Shape, { kind: 'struct' }>;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

class ModelCompiler {
  private readonly structs = new Map<string, Extract<Shape, { kind: 'struct' }>>();

  compile(ns: NormalizedSchema): Shape {
    const name = ns.getName() ?? '';
    if (ns.isStructSchema()) {
      const cached = this.structs.get(name);
      if (cached) return cached;
      const shape: Extract<Shape, { kind: 'struct' }> = {
        kind: 'struct', name, members: [], byQueryName: new Map(), byName: new Map(),
      };
      this.structs.set(name, shape); // before members: EC2 has recursive shapes
      const raw = ns.getSchema() as unknown[];
      const requiredCount = typeof raw[6] === 'number' ? raw[6] : 0;
      let index = 0;
      for (const [memberName, m] of ns.structIterator()) {
        const traits = m.getMergedTraits() as { ec2QueryName?: string; xmlName?: string };
        const enumName = OPEN_ENUMS.has(`${name}.${memberName}`) ? undefined : ENUM_MEMBERS[name]?.[memberName];
        const member: MemberShape = {
          name: memberName,
          queryName: traits.ec2QueryName ?? upperFirst(traits.xmlName ?? memberName),
          xmlName: traits.xmlName ?? memberName,
          shape: this.compile(m),
          required: index < requiredCount,
          enumValues: enumName ? ENUM_VALUES[enumName] : undefined,
        };
        index++;
        shape.members.push(member);
        shape.byQueryName.set(member.queryName, member);
        shape.byName.set(memberName, member);
      }
      return shape;
    }
    if (ns.isListSchema()) {
      const item = ns.getValueSchema();
      const itemTraits = item.getMergedTraits() as { xmlName?: string };
      // Without an xmlName trait a list item is `<member>` (Smithy's XML default, what the SDKs parse):
      // EC2 names its items `item` explicitly, except InferenceDeviceInfoList (DescribeInstanceTypes).
      return { kind: 'list', name, member: this.compile(item), itemXmlName: itemTraits.xmlName ?? 'member' };
    }
    if (ns.isMapSchema()) {
      return { kind: 'map', name, key: this.compile(ns.getKeySchema()), value: this.compile(ns.getValueSchema()) };
    }
    if (ns.isBooleanSchema()) return { kind: 'boolean', name };
    if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return { kind: 'number', name };
    if (ns.isTimestampSchema()) return { kind: 'timestamp', name };
    if (ns.isBlobSchema()) return { kind: 'blob', name };
    return { kind: 'string', name };
  }
}

const sdkExports = sdk as unknown as Record<string, unknown>;
const compiler = new ModelCompiler();
const operations = new Map<string, OperationModel>();

function compileOperation(name: string): OperationModel | undefined {
  const op = sdkExports[`${name}$`];
  if (!Array.isArray(op) || op[0] !== 9) return undefined;
  const resolve = (s: unknown) => (typeof s === 'function' ? s() : s);
  const input = resolve(op[4]);
  const output = resolve(op[5]);
  const inShape = Array.isArray(input) ? compiler.compile(NormalizedSchema.of(input as never)) : undefined;
  const outShape = Array.isArray(output) ? compiler.compile(NormalizedSchema.of(output as never)) : undefined;
  return {
    name: name as OperationName,
    input: (inShape?.kind === 'struct' ? inShape : { kind: 'struct', name: `${name}Request`, members: [], byQueryName: new Map(), byName: new Map() }) as OperationModel['input'],
    output: outShape?.kind === 'struct' ? outShape : undefined,
  };
}

/** All operation names of the model. */
export const OPERATION_NAMES: readonly string[] = Object.keys(sdkExports)
  .filter((k) => k.endsWith('$') && Array.isArray(sdkExports[k]) && (sdkExports[k] as unknown[])[0] === 9)
  .map((k) => k.slice(0, -1))
  .sort();

const operationSet = new Set(OPERATION_NAMES);

/** The compiled model of one operation; compiled on first use, then cached. */
export function operationModel(name: string): OperationModel | undefined {
  if (!operationSet.has(name)) return undefined;
  let model = operations.get(name);
  if (!model) {
    model = compileOperation(name);
    if (model) operations.set(name, model);
  }
  return model;
}

/** Compile every operation up front (server start-up), so no request pays for it. */
export function compileAll(names: Iterable<string> = OPERATION_NAMES): number {
  let n = 0;
  for (const name of names) if (operationModel(name)) n++;
  return n;
}
