/**
 * IPv4/IPv6 addresses as integers (the embedded cloud allocates with them; the VPC API checks blocks with them):
 * parse (validated by node:net), canonical text (RFC 5952 for IPv6), CIDR blocks.
 */
import { isIP } from 'node:net';

export interface Ip { version: 4 | 6; value: bigint }
export interface Cidr { version: 4 | 6; network: bigint; prefix: number; /** Last address of the block. */ last: bigint }

const bits = (v: 4 | 6) => (v === 4 ? 32 : 128);

export function parseIp(text: string): Ip | undefined {
  const version = isIP(text);
  if (version === 4) return { version, value: text.split('.').reduce((n, p) => (n << 8n) | BigInt(p), 0n) };
  if (version !== 6) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tailV4 = parseIp(v4[1])?.value;
    head = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [l, r] = head.split('::');
  const left = l ? l.split(':') : [];
  const right = r === undefined ? [] : r ? r.split(':') : [];
  const groups = r === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  let value = groups.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return { version: 6, value };
}

export function formatIp({ version, value }: Ip): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = [...Array(8)].map((_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run (of two or more) of zero groups becomes '::'.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** The block, or undefined when the text is no CIDR or has host bits set (Neutron refuses those too). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const ip = m && parseIp(m[1]);
  if (!m || !ip) return undefined;
  const prefix = Number(m[2]);
  const width = bits(ip.version);
  if (prefix > width) return undefined;
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  if ((ip.value & hostMask) !== 0n) return undefined;
  return { version: ip.version, network: ip.value, prefix, last: ip.value | hostMask };
}

export const formatCidr = (c: Cidr) => `${formatIp({ version: c.version, value: c.network })}/${c.prefix}`;

export const inCidr = (c: Cidr, ip: Ip) => ip.version === c.version && ip.value >= c.network && ip.value <= c.last;

export const ipText = (version: 4 | 6, value: bigint) => formatIp({ version, value });

/** Canonical text of an address (lower case, compressed), or undefined when it is none. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip);
}

/** Whether two blocks of one family share an address. */
export const overlaps = (a: Cidr, b: Cidr) => a.version === b.version && a.network <= b.last && b.network <= a.last;

/** Whether `inner` lies wholly inside `outer`. */
export const contains = (outer: Cidr, inner: Cidr) =>
  outer.version === inner.version && inner.network >= outer.network && inner.last <= outer.last;

/** The `index`-th address of a block (0: the network address). */
export const nthAddress = (c: Cidr, index: bigint) => formatIp({ version: c.version, value: c.network + index });
