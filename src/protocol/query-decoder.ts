/**
 * EC2 Query parameters (`Filter.1.Value.2=x`) → a typed input, driven by the
 * compiled model. Strict where EC2 is strict: every parameter must be known to
 * the operation (UnknownParameter), required members must be present
 * and not empty (MissingParameter), and values must fit their type and enum
 * (InvalidParameterValue). Errors name the parameter as the client sent it.
 */
import { ERRORS } from '../errors/catalog.js';
import type { MemberShape, OperationModel, Shape } from './model.js';

/** Parameters that belong to the protocol or to signing, not to the operation. */
const ENVELOPE_PARAMS = new Set([
  'Action', 'Version', 'AWSAccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion',
  'Timestamp', 'Expires', 'SecurityToken',
]);
export const isEnvelopeParam = (key: string) => ENVELOPE_PARAMS.has(key) || key.startsWith('X-Amz-');

interface Node {
  value?: string;
  children: Map<string, Node>;
}

function buildTree(params: Record<string, string>): Node {
  const root: Node = { children: new Map() };
  for (const [key, value] of Object.entries(params)) {
    if (isEnvelopeParam(key)) continue;
    let node = root;
    for (const seg of key.split('.')) {
      let child = node.children.get(seg);
      if (!child) {
        child = { children: new Map() };
        node.children.set(seg, child);
      }
      node = child;
    }
    node.value = value;
  }
  return root;
}

const INDEX = /^[1-9][0-9]{0,5}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function scalar(shape: Shape, member: MemberShape | undefined, enumValues: readonly string[] | undefined, raw: string, path: string): unknown {
  switch (shape.kind) {
    case 'string':
      if (enumValues && !enumValues.includes(raw)) {
        throw ERRORS.invalidParameterValue(path, raw, `Valid values: ${enumValues.join(', ')}`);
      }
      return raw;
    case 'number': {
      if (!NUMBER.test(raw.trim())) throw ERRORS.invalidParameterValue(path, raw, 'Expected a number.');
      const n = Number(raw);
      if (!Number.isFinite(n)) throw ERRORS.invalidParameterValue(path, raw, 'Expected a number.');
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw ERRORS.invalidParameterValue(path, raw, "Expected 'true' or 'false'.");
    }
    case 'timestamp': {
      const d = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime())) throw ERRORS.invalidParameterValue(path, raw, 'Expected an ISO 8601 timestamp.');
      return d;
    }
    case 'blob': {
      const text = raw.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw ERRORS.invalidParameterValue(path, '…', 'Expected base64-encoded data.');
      return new Uint8Array(Buffer.from(text, 'base64'));
    }
    default:
      throw ERRORS.invalidParameterValue(path, raw, `Expected a structured value (${member?.name ?? shape.name}).`);
  }
}

function decodeValue(node: Node, shape: Shape, path: string, enumValues?: readonly string[]): unknown {
  switch (shape.kind) {
    case 'struct':
      if (node.value !== undefined && node.children.size === 0) {
        throw ERRORS.invalidParameterValue(path, node.value, 'Expected a structure: send its members as sub-parameters.');
      }
      return decodeStruct(node, shape, path);
    case 'list': {
      if (node.value !== undefined && node.children.size === 0) {
        throw ERRORS.invalidParameterValue(path, node.value, `Expected a list: send ${path}.1, ${path}.2 …`);
      }
      const items = [...node.children.entries()].map(([seg, child]) => {
        if (!INDEX.test(seg)) throw ERRORS.unknownParameter(`${path}.${seg}`);
        return [Number(seg), child] as const;
      });
      items.sort((a, b) => a[0] - b[0]);
      return items.map(([i, child]) => decodeValue(child, shape.member, `${path}.${i}`, enumValues));
    }
    case 'map':
      throw ERRORS.unsupportedParameter(path, 'this operation');
    default:
      if (node.children.size > 0) {
        throw ERRORS.unknownParameter(`${path}.${[...node.children.keys()][0]}`);
      }
      return scalar(shape, undefined, enumValues, node.value ?? '', path);
  }
}

function decodeStruct(node: Node, shape: Extract<Shape, { kind: 'struct' }>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [seg, child] of node.children) {
    const path = prefix ? `${prefix}.${seg}` : seg;
    const member = shape.byQueryName.get(seg);
    if (!member) throw ERRORS.unknownParameter(path);
    // AWS reads an empty value of a required parameter as no value: MissingParameter below.
    if (member.required && child.value === '' && child.children.size === 0) continue;
    out[member.name] = decodeValue(child, member.shape, path, member.enumValues);
  }
  for (const member of shape.members) {
    if (member.required && out[member.name] === undefined) {
      throw ERRORS.missingParameter(prefix ? `${prefix}.${member.queryName}` : member.queryName);
    }
  }
  return out;
}

/** Decode the request parameters of one operation into its typed input. */
export function decodeInput(op: OperationModel, params: Record<string, string>): Record<string, unknown> {
  return decodeStruct(buildTree(params), op.input, '');
}

/** The wire name of a top-level input member, for error messages. */
export function queryNameOf(op: OperationModel, memberName: string): string {
  return op.input.byName.get(memberName)?.queryName ?? memberName;
}
