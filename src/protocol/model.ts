/**
 * The EC2 service model, read from the compact file that scripts/codegen.ts
 * generates from @aws-sdk/client-ec2 (src/protocol/generated/model.ts), so the
 * service never loads the SDK at run time. Each operation's shapes are compiled
 * into plain trees (with lookup maps) on its first use and kept; the decoder and
 * encoder walk them without reflection.
 * Owns: wire names (query names, XML names), shape kinds, required members, enums.
 * Knows nothing about clouds, storage or HTTP.
 */
import { MODEL } from './generated/model.js';
import type { OperationName } from './generated/operations.js';
import { type CompactMember, defaultQueryName, ShapeTag } from './model-format.js';
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

export type StructShape = { kind: 'struct'; name: string; members: MemberShape[]; byQueryName: Map<string, MemberShape>; byName: Map<string, MemberShape> };

export type Shape =
  | StructShape
  | { kind: 'list'; name: string; member: Shape; itemXmlName: string }
  | { kind: 'map'; name: string; key: Shape; value: Shape }
  | { kind: ScalarKind; name: string };

export interface OperationModel {
  name: OperationName;
  input: StructShape;
  /** undefined for operations whose output is Unit (they answer `<return>true</return>`). */
  output?: StructShape;
}

/** Shapes compiled so far, by index in MODEL.shapes (shared by every operation that uses them). */
const compiled: (Shape | undefined)[] = new Array(MODEL.shapes.length);

function shapeAt(index: number): Shape {
  const done = compiled[index];
  if (done) return done;
  const raw = MODEL.shapes[index];
  switch (raw[0]) {
    case ShapeTag.Struct: {
      const [, name, requiredCount] = raw;
      const shape: StructShape = { kind: 'struct', name, members: [], byQueryName: new Map(), byName: new Map() };
      compiled[index] = shape; // before members: EC2 has recursive shapes
      for (let i = 3; i < raw.length; i++) {
        const [memberName, memberShape, enumIndex, xmlName = memberName, queryName = defaultQueryName(xmlName)] = raw[i] as CompactMember;
        const open = OPEN_ENUMS.has(`${name}.${memberName}`);
        const member: MemberShape = {
          name: memberName, queryName, xmlName, shape: shapeAt(memberShape), required: i - 3 < requiredCount,
          enumValues: enumIndex >= 0 && !open ? MODEL.enums[enumIndex] : undefined,
        };
        shape.members.push(member);
        shape.byQueryName.set(queryName, member);
        shape.byName.set(memberName, member);
      }
      return shape;
    }
    case ShapeTag.List: {
      const shape = { kind: 'list', name: raw[1], member: undefined as unknown as Shape, itemXmlName: raw[3] } satisfies Shape;
      compiled[index] = shape;
      shape.member = shapeAt(raw[2]);
      return shape;
    }
    case ShapeTag.Map: {
      const shape = { kind: 'map', name: raw[1], key: undefined as unknown as Shape, value: undefined as unknown as Shape } satisfies Shape;
      compiled[index] = shape;
      shape.key = shapeAt(raw[2]);
      shape.value = shapeAt(raw[3]);
      return shape;
    }
    default: {
      const shape: Shape = { kind: raw[1], name: raw[1] };
      compiled[index] = shape;
      return shape;
    }
  }
}

/** All operation names of the model. */
export const OPERATION_NAMES: readonly string[] = Object.keys(MODEL.operations).sort();

const operations = new Map<string, OperationModel>();

/** The compiled model of one operation; compiled on first use, then cached. */
export function operationModel(name: string): OperationModel | undefined {
  let model = operations.get(name);
  if (model) return model;
  if (!Object.hasOwn(MODEL.operations, name)) return undefined;
  const [input, output] = MODEL.operations[name];
  const inShape = input >= 0 ? shapeAt(input) : undefined;
  const outShape = output >= 0 ? shapeAt(output) : undefined;
  model = {
    name: name as OperationName,
    input: inShape?.kind === 'struct' ? inShape : { kind: 'struct', name: `${name}Request`, members: [], byQueryName: new Map(), byName: new Map() },
    output: outShape?.kind === 'struct' ? outShape : undefined,
  };
  operations.set(name, model);
  return model;
}

/** Compile operations up front (all of them by default), e.g. to check the model or to pay the cost before serving. */
export function compileAll(names: Iterable<string> = OPERATION_NAMES): number {
  let n = 0;
  for (const name of names) if (operationModel(name)) n++;
  return n;
}
