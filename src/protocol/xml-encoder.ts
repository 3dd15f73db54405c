/**
 * A typed output → the EC2 XML response, driven by the compiled model:
 * `<XResponse xmlns=…><requestId/>…members…</XResponse>`, lists as `<item>`s,
 * timestamps ISO 8601, booleans `true`/`false`, blobs base64, and
 * `<return>true</return>` for operations without output. Errors render as
 * EC2's `<Response><Errors><Error>…` document.
 *
 * Element names come only from the model (each member's tags are built once and
 * kept on the shape) and every text goes through escapeXml, so no action writes
 * markup. The document is written in one pass, without the intermediate object
 * tree a general XML builder needs: that tree was the largest cost of a request.
 */
import type { Ec2Error } from '../errors/ec2-error.js';
import type { MemberShape, OperationModel, Shape } from './model.js';

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Thrown when an action returns a field the model does not know: always a bug in the action. */
export class OutputShapeError extends Error {}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

/** Text content or attribute value. */
export function escapeXml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ENTITIES[c]) : text;
}

interface Tags { open: string; close: string }
const tagCache = new WeakMap<MemberShape, Tags>();
const tagsOf = (member: MemberShape): Tags => {
  let tags = tagCache.get(member);
  if (!tags) {
    tags = { open: `<${member.xmlName}>`, close: `</${member.xmlName}>` };
    tagCache.set(member, tags);
  }
  return tags;
};
const itemTags = new Map<string, Tags>();
const tagsNamed = (name: string): Tags => {
  let tags = itemTags.get(name);
  if (!tags) {
    tags = { open: `<${name}>`, close: `</${name}>` };
    itemTags.set(name, tags);
  }
  return tags;
};

/** Where in the output a value sits: built only when an action returned a wrong shape, never on the normal path. */
function at(prefix: string, e: unknown): never {
  if (e instanceof OutputShapeError) throw new OutputShapeError(`${prefix}${e.message}`);
  throw e;
}

function encodeValue(value: unknown, shape: Shape): string {
  switch (shape.kind) {
    case 'struct': {
      if (typeof value !== 'object' || value === null) throw new OutputShapeError(': expected an object');
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (record[key] !== undefined && !shape.byName.has(key)) throw new OutputShapeError(`.${key}: not a member of ${shape.name}`);
      }
      let out = '';
      for (const member of shape.members) {
        const v = record[member.name];
        if (v === undefined || v === null) continue;
        const tags = tagsOf(member);
        try {
          out += tags.open + encodeValue(v, member.shape) + tags.close;
        } catch (e) {
          at(`.${member.name}`, e);
        }
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new OutputShapeError(': expected an array');
      const tags = tagsNamed(shape.itemXmlName);
      let out = '';
      for (let i = 0; i < value.length; i++) {
        try {
          out += tags.open + encodeValue(value[i], shape.member) + tags.close;
        } catch (e) {
          at(`[${i}]`, e);
        }
      }
      return out;
    }
    case 'map': {
      let out = '';
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        try {
          out += `<entry><key>${escapeXml(String(k))}</key><value>${encodeValue(v, shape.value)}</value></entry>`;
        } catch (e) {
          at(`.${k}`, e);
        }
      }
      return out;
    }
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(value as string);
      if (Number.isNaN(d.getTime())) throw new OutputShapeError(': invalid timestamp');
      return d.toISOString();
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return escapeXml(String(value));
  }
}

const responseOpen = new Map<string, string>();

export function encodeOutput(op: OperationModel, output: unknown, requestId: string): string {
  let open = responseOpen.get(op.name);
  if (open === undefined) {
    open = `${DECLARATION}<${op.name}Response xmlns="${EC2_XMLNS}">`;
    responseOpen.set(op.name, open);
  }
  let body = '<return>true</return>';
  if (op.output) {
    try {
      body = encodeValue(output ?? {}, op.output);
    } catch (e) {
      at(op.name, e);
    }
  }
  return `${open}<requestId>${escapeXml(requestId)}</requestId>${body}</${op.name}Response>`;
}

export function encodeError(error: Ec2Error, requestId: string): string {
  return `${DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
}
