/**
 * A typed output → the EC2 XML response, driven by the compiled model:
 * `<XResponse xmlns=…><requestId/>…members…</XResponse>`, lists as `<item>`s,
 * timestamps ISO 8601, booleans `true`/`false`, blobs base64, and
 * `<return>true</return>` for operations without output. Errors render as
 * EC2's `<Response><Errors><Error>…` document. XML is built by fast-xml-parser;
 * no string concatenation of markup anywhere.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Ec2Error } from '../errors/ec2-error.js';
import type { OperationModel, Shape } from './model.js';

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  processEntities: true,
  format: false,
});

/** Thrown when an action returns a field the model does not know: always a bug in the action. */
export class OutputShapeError extends Error {}

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject { [key: string]: XmlValue }

function encodeValue(value: unknown, shape: Shape, path: string): XmlValue {
  switch (shape.kind) {
    case 'struct': {
      if (typeof value !== 'object' || value === null) throw new OutputShapeError(`${path}: expected an object`);
      const out: XmlObject = {};
      for (const key of Object.keys(value)) {
        if (!shape.byName.has(key) && (value as Record<string, unknown>)[key] !== undefined) {
          throw new OutputShapeError(`${path}.${key}: not a member of ${shape.name}`);
        }
      }
      for (const member of shape.members) {
        const v = (value as Record<string, unknown>)[member.name];
        if (v === undefined || v === null) continue;
        out[member.xmlName] = encodeValue(v, member.shape, `${path}.${member.name}`);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new OutputShapeError(`${path}: expected an array`);
      if (value.length === 0) return '';
      return { [shape.itemXmlName]: value.map((v, i) => encodeValue(v, shape.member, `${path}[${i}]`)) };
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      return { entry: entries.map(([k, v]) => ({ key: String(k), value: encodeValue(v, shape.value, `${path}.${k}`) })) };
    }
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(value as string);
      if (Number.isNaN(d.getTime())) throw new OutputShapeError(`${path}: invalid timestamp`);
      return d.toISOString();
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return String(value);
  }
}

const declaration = { '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' } };

export function encodeOutput(op: OperationModel, output: unknown, requestId: string): string {
  const body: XmlObject = { '@_xmlns': EC2_XMLNS, requestId };
  if (op.output) {
    Object.assign(body, encodeValue(output ?? {}, op.output, op.name) as XmlObject);
  } else {
    body.return = 'true';
  }
  return builder.build({ ...declaration, [`${op.name}Response`]: body });
}

export function encodeError(error: Ec2Error, requestId: string): string {
  return builder.build({
    ...declaration,
    Response: { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: requestId },
  });
}
