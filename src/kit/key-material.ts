/**
 * Key-pair cryptography of EC2 CreateKeyPair / ImportKeyPair / DescribeKeyPairs.
 *
 * What AWS does, and where that is written down:
 *
 * CreateKeyPair (API_CreateKeyPair.html): "Creates an ED25519 or 2048-bit RSA key pair ... The private
 * key is returned as an unencrypted PEM encoded PKCS#1 private key or an unencrypted PPK formatted
 * private key for use with PuTTY."
 *   - rsa/pem     → "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1), no trailing newline (as in the
 *                   documented KeyMaterial examples).
 *   - ed25519/pem → OpenSSH "openssh-key-v1" container ("-----BEGIN OPENSSH PRIVATE KEY-----"),
 *                   unencrypted (cipher/kdf "none"), base64 wrapped at 70 columns like ssh-keygen, ending
 *                   in a newline (OpenSSH 9.2 fails to load the container without it).
 *   - ppk         → PuTTY-User-Key-File-2, "Encryption: none", MAC = HMAC-SHA-1 keyed with
 *                   SHA-1("putty-private-key-file-mac-key"). AWS does not document the PPK version; v2 is
 *                   chosen because it loads in every PuTTY since 0.52 (v3 needs >= 0.75). Version 3
 *                   (HMAC-SHA-256, empty key when unencrypted) is available through `options.ppkVersion`.
 *                   Layout per PuTTY manual Appendix C ("PPK file format").
 *
 * KeyPairInfo.KeyFingerprint (API_KeyPairInfo.html, UserGuide/verify-keys.html):
 *   - created RSA     → SHA-1 of the DER PKCS#8 private key, colon hex
 *                       (`openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c`).
 *   - imported RSA    → MD5 of the DER SubjectPublicKeyInfo, colon hex
 *                       (`openssl pkey -pubin -outform DER | openssl md5 -c`).
 *   - ED25519 (both)  → base64 SHA-256 of the SSH public-key blob ("the default for OpenSSH, starting
 *                       with OpenSSH 6.8"). verify-keys.html: "Amazon EC2 might add padding to the
 *                       fingerprint with = characters. Other tools, such as ssh-keygen, might omit this
 *                       padding." → we keep the '=' padding (44 characters).
 *
 * ImportKeyPair (UserGuide create-key-pairs.html, "Requirements for key pairs you import"; the older
 * API reference said the same): types RSA and ED25519, "Amazon EC2 does not accept DSA keys"; formats
 * OpenSSH public key format (authorized_keys line), "(RSA only) Base64 encoded DER format",
 * "(RSA only) SSH public key file format as specified in RFC 4716"; "Supported lengths: 1024, 2048,
 * and 4096" — in practice AWS also accepts e.g. 3072 and 8192-bit keys
 * (terraform-aws-modules/terraform-aws-key-pair#16), so we accept 1024..16384 bits.
 * ECDSA is NOT accepted by AWS (KeyType is `rsa | ed25519`; importing ecdsa-sha2-* yields "Key is not in
 * valid OpenSSH public key format", e.g. StreisandEffect/streisand#1171, sekey/sekey#23). We reject it
 * by default and accept it only with `{ allowEcdsa: true }`; as there is no AWS behaviour to copy, its
 * fingerprint then follows the imported-RSA rule (MD5 of DER SPKI).
 * Extra leniency beyond AWS's list: PEM "BEGIN PUBLIC KEY"/"BEGIN RSA PUBLIC KEY" armour around the
 * (RSA) DER, and material that is base64 of one of the accepted texts (double-encoded blobs).
 *
 * Error: AWS answers bad material with code InvalidKey.Format and message
 * "Key is not in valid OpenSSH public key format"; we raise ERRORS.keyFormat (InvalidKey.Format)
 * with that message.
 */
import {
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { ERRORS } from '../errors/catalog.js';

export const INVALID_PUBLIC_KEY_MESSAGE = 'Key is not in valid OpenSSH public key format';

export type GeneratedKeyType = 'rsa' | 'ed25519';
export type PrivateKeyFormat = 'pem' | 'ppk';
export type ImportedKeyType = 'rsa' | 'ed25519' | 'ecdsa';

export interface GeneratedKeyPair {
  /** What CreateKeyPair returns as KeyMaterial. */
  privateKeyMaterial: string;
  /** "ssh-rsa AAAA... comment" — what DescribeKeyPairs IncludePublicKey shows. */
  publicKeyOpenSsh: string;
  /** KeyFingerprint as AWS computes it for keys AWS created. */
  fingerprint: string;
}

export interface ParsedPublicKey {
  keyType: ImportedKeyType;
  /** "type base64[ comment]"; the comment is the one carried by the material, if any. */
  publicKeyOpenSsh: string;
  /** KeyFingerprint as AWS computes it for imported keys. */
  fingerprint: string;
  /** Key size in bits (RSA modulus length; 256 for ED25519; curve size for ECDSA). */
  bits: number;
  comment?: string;
}

export interface GenerateOptions {
  /** PPK file version to emit for format 'ppk'. Default 2. */
  ppkVersion?: 2 | 3;
}

export interface ParseOptions {
  /** Accept ecdsa-sha2-nistp256/384/521 keys (AWS rejects them). Default false. */
  allowEcdsa?: boolean;
}

export const RSA_IMPORT_MIN_BITS = 1024;
export const RSA_IMPORT_MAX_BITS = 16384;
const RSA_CREATE_BITS = 2048;

// ---------------------------------------------------------------------------------------------
// SSH wire encoding (RFC 4251 §5)

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([u32(b.length), b]);
}

/** mpint from an unsigned big-endian magnitude. */
function sshMpint(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  let m = magnitude.subarray(i);
  if (m.length > 0 && (m[0] & 0x80) !== 0) m = Buffer.concat([Buffer.from([0]), m]);
  return sshString(m);
}

class SshReader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}

  uint32(): number {
    if (this.off + 4 > this.buf.length) throw new Error('truncated');
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }

  bytes(): Buffer {
    const len = this.uint32();
    if (this.off + len > this.buf.length) throw new Error('truncated');
    const v = this.buf.subarray(this.off, this.off + len);
    this.off += len;
    return v;
  }

  text(): string {
    return this.bytes().toString('latin1');
  }

  /** A non-negative mpint, returned as its minimal unsigned magnitude. */
  mpintUnsigned(): Buffer {
    const raw = this.bytes();
    if (raw.length > 0 && (raw[0] & 0x80) !== 0) throw new Error('negative mpint');
    let i = 0;
    while (i < raw.length && raw[i] === 0) i++;
    return raw.subarray(i);
  }

  end(): void {
    if (this.off !== this.buf.length) throw new Error('trailing data');
  }
}

// ---------------------------------------------------------------------------------------------
// small helpers

const b64u = (s: string | undefined): Buffer => {
  if (!s) throw new Error('missing JWK component');
  return Buffer.from(s, 'base64url');
};

const colonHex = (digest: Buffer): string => [...digest].map((b) => b.toString(16).padStart(2, '0')).join(':');

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out;
}

/** Comments end up on single header lines (PPK) or inside a one-line public key: no CR/LF. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

function bitLength(magnitude: Buffer): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]));
}

function opensshLine(blob: Buffer, comment?: string): string {
  const type = new SshReader(blob).text();
  const c = comment ? oneLine(comment).trim() : '';
  return `${type} ${blob.toString('base64')}${c ? ` ${c}` : ''}`;
}

/** base64 SHA-256 of the SSH public-key blob, '=' padding kept (see header). */
function sha256Fingerprint(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('base64');
}

function md5SpkiFingerprint(key: KeyObject): string {
  return colonHex(createHash('md5').update(key.export({ type: 'spki', format: 'der' })).digest());
}

// ---------------------------------------------------------------------------------------------
// CreateKeyPair

function rsaPublicBlob(jwk: JsonWebKey): Buffer {
  return Buffer.concat([sshString('ssh-rsa'), sshMpint(b64u(jwk.e)), sshMpint(b64u(jwk.n))]);
}

function ed25519PublicBlob(pub: Buffer): Buffer {
  return Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
}

/** openssh-key-v1, unencrypted, one key (PROTOCOL.key in openssh-portable). */
function opensshPrivateKeyEd25519(seed: Buffer, pub: Buffer, comment: string): string {
  const check = randomBytes(4);
  const parts = [
    Buffer.concat([check, check]),
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(oneLine(comment)),
  ];
  let priv = Buffer.concat(parts);
  const blockSize = 8; // cipher "none"
  const padLen = (blockSize - (priv.length % blockSize)) % blockSize;
  const pad = Buffer.alloc(padLen);
  for (let i = 0; i < padLen; i++) pad[i] = i + 1;
  priv = Buffer.concat([priv, pad]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'), // ciphername
    sshString('none'), // kdfname
    sshString(Buffer.alloc(0)), // kdfoptions
    u32(1), // number of keys
    sshString(ed25519PublicBlob(pub)),
    sshString(priv),
  ]);
  return [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    ...wrap(body.toString('base64'), 70),
    '-----END OPENSSH PRIVATE KEY-----',
    '', // ssh-keygen refuses an openssh-key-v1 file whose END line has no newline
  ].join('\n');
}

/** PuTTY PPK (manual Appendix C), unencrypted. */
function ppk(version: 2 | 3, algorithm: string, comment: string, publicBlob: Buffer, privateBlob: Buffer): string {
  const c = oneLine(comment);
  const macData = Buffer.concat([
    sshString(algorithm),
    sshString('none'),
    sshString(c),
    sshString(publicBlob),
    sshString(privateBlob),
  ]);
  const mac =
    version === 2
      ? createHmac('sha1', createHash('sha1').update('putty-private-key-file-mac-key').digest())
          .update(macData)
          .digest('hex')
      : createHmac('sha256', Buffer.alloc(0)).update(macData).digest('hex');
  const pubLines = wrap(publicBlob.toString('base64'), 64);
  const privLines = wrap(privateBlob.toString('base64'), 64);
  return [
    `PuTTY-User-Key-File-${version}: ${algorithm}`,
    'Encryption: none',
    `Comment: ${c}`,
    `Public-Lines: ${pubLines.length}`,
    ...pubLines,
    `Private-Lines: ${privLines.length}`,
    ...privLines,
    `Private-MAC: ${mac}`,
    '', // PuTTYgen ends its files with a newline too
  ].join('\n');
}

export function generateKeyPair(
  type: GeneratedKeyType,
  format: PrivateKeyFormat,
  comment: string,
  options: GenerateOptions = {},
): GeneratedKeyPair {
  const ppkVersion = options.ppkVersion ?? 2;
  if (type === 'rsa') {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: RSA_CREATE_BITS, publicExponent: 0x10001 });
    const jwk = privateKey.export({ format: 'jwk' });
    const publicBlob = rsaPublicBlob(jwk);
    const fingerprint = colonHex(
      createHash('sha1').update(privateKey.export({ type: 'pkcs8', format: 'der' })).digest(),
    );
    const privateKeyMaterial =
      format === 'ppk'
        ? ppk(
            ppkVersion,
            'ssh-rsa',
            comment,
            publicBlob,
            Buffer.concat([sshMpint(b64u(jwk.d)), sshMpint(b64u(jwk.p)), sshMpint(b64u(jwk.q)), sshMpint(b64u(jwk.qi))]),
          )
        : String(privateKey.export({ type: 'pkcs1', format: 'pem' })).trimEnd();
    return { privateKeyMaterial, publicKeyOpenSsh: opensshLine(publicBlob, comment), fingerprint };
  }
  if (type === 'ed25519') {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const pub = b64u(jwk.x);
    const seed = b64u(jwk.d);
    const publicBlob = ed25519PublicBlob(pub);
    const privateKeyMaterial =
      format === 'ppk'
        ? ppk(ppkVersion, 'ssh-ed25519', comment, publicBlob, sshString(seed))
        : opensshPrivateKeyEd25519(seed, pub, comment);
    return {
      privateKeyMaterial,
      publicKeyOpenSsh: opensshLine(publicBlob, comment),
      fingerprint: sha256Fingerprint(publicBlob),
    };
  }
  throw ERRORS.invalidParameterValue('KeyType', type, "Valid values are 'rsa' and 'ed25519'.");
}

// ---------------------------------------------------------------------------------------------
// ImportKeyPair

const ECDSA_CURVES: Record<string, { jwkCrv: string; coordLen: number; bits: number }> = {
  nistp256: { jwkCrv: 'P-256', coordLen: 32, bits: 256 },
  nistp384: { jwkCrv: 'P-384', coordLen: 48, bits: 384 },
  nistp521: { jwkCrv: 'P-521', coordLen: 66, bits: 521 },
};

class RejectedKey extends Error {}

function invalid(): never {
  throw new RejectedKey(INVALID_PUBLIC_KEY_MESSAGE);
}

function checkRsa(n: Buffer, e: Buffer): number {
  const bits = bitLength(n);
  if (bits < RSA_IMPORT_MIN_BITS || bits > RSA_IMPORT_MAX_BITS) invalid();
  if (n.length === 0 || (n[n.length - 1] & 1) === 0) invalid();
  if (e.length === 0 || (e[e.length - 1] & 1) === 0 || bitLength(e) < 2 || e.length > 8) invalid();
  return bits;
}

/** Decode and validate an SSH public-key blob. */
function fromSshBlob(blob: Buffer, expectedType: string | undefined, opts: ParseOptions, comment?: string): ParsedPublicKey {
  const r = new SshReader(blob);
  const type = r.text();
  if (expectedType !== undefined && type !== expectedType) invalid();
  if (type === 'ssh-rsa') {
    const e = r.mpintUnsigned();
    const n = r.mpintUnsigned();
    r.end();
    const bits = checkRsa(n, e);
    const key = createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
      format: 'jwk',
    });
    const canonical = rsaPublicBlob({ n: n.toString('base64url'), e: e.toString('base64url') });
    return {
      keyType: 'rsa',
      publicKeyOpenSsh: opensshLine(canonical, comment),
      fingerprint: md5SpkiFingerprint(key),
      bits,
      ...(comment ? { comment } : {}),
    };
  }
  if (type === 'ssh-ed25519') {
    const pub = r.bytes();
    r.end();
    if (pub.length !== 32) invalid();
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
    return {
      keyType: 'ed25519',
      publicKeyOpenSsh: opensshLine(blob, comment),
      fingerprint: sha256Fingerprint(blob),
      bits: 256,
      ...(comment ? { comment } : {}),
    };
  }
  const ecdsa = /^ecdsa-sha2-(nistp256|nistp384|nistp521)$/.exec(type);
  if (ecdsa && opts.allowEcdsa) {
    const curve = ECDSA_CURVES[ecdsa[1]];
    const curveName = r.text();
    const q = r.bytes();
    r.end();
    if (curveName !== ecdsa[1] || q.length !== 1 + 2 * curve.coordLen || q[0] !== 0x04) invalid();
    // Importing through JWK makes OpenSSL check that the point is on the curve.
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.jwkCrv,
        x: q.subarray(1, 1 + curve.coordLen).toString('base64url'),
        y: q.subarray(1 + curve.coordLen).toString('base64url'),
      },
      format: 'jwk',
    });
    return {
      keyType: 'ecdsa',
      publicKeyOpenSsh: opensshLine(blob, comment),
      fingerprint: md5SpkiFingerprint(key),
      bits: curve.bits,
      ...(comment ? { comment } : {}),
    };
  }
  // ssh-dss (AWS: "does not accept DSA keys"), ecdsa (unless allowed), sk-*, certificates, …
  return invalid();
}

/** (RSA only) DER SubjectPublicKeyInfo, or PKCS#1 RSAPublicKey. */
function fromDer(der: Buffer, comment?: string): ParsedPublicKey {
  let key: KeyObject | undefined;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      key = createPublicKey({ key: der, format: 'der', type });
      break;
    } catch {
      // try the next encoding
    }
  }
  if (key?.asymmetricKeyType !== 'rsa') invalid();
  const jwk = key.export({ format: 'jwk' });
  checkRsa(b64u(jwk.n), b64u(jwk.e));
  return fromSshBlob(rsaPublicBlob(jwk), 'ssh-rsa', {}, comment);
}

const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64Strict(s: string): Buffer {
  const compact = s.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) invalid();
  return Buffer.from(compact, 'base64');
}

/** RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----" (AWS: RSA only). */
function fromRfc4716(text: string): ParsedPublicKey {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const begin = lines.indexOf('---- BEGIN SSH2 PUBLIC KEY ----');
  const end = lines.indexOf('---- END SSH2 PUBLIC KEY ----');
  if (begin !== 0 || end < 0 || lines.slice(end + 1).some((l) => l !== '')) invalid();
  const inner = lines.slice(begin + 1, end);
  let comment: string | undefined;
  let i = 0;
  // Headers: "Tag: value", continued onto the next line by a trailing backslash.
  while (i < inner.length && /^[\x21-\x39\x3b-\x7e]{1,64}:/.test(inner[i])) {
    let header = inner[i++];
    while (header.endsWith('\\') && i < inner.length) header = header.slice(0, -1) + inner[i++];
    const colon = header.indexOf(':');
    const tag = header.slice(0, colon).toLowerCase();
    let value = header.slice(colon + 1).trim();
    if (tag === 'comment') {
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      comment = value;
    }
  }
  const blob = decodeBase64Strict(inner.slice(i).join(''));
  return fromSshBlob(blob, 'ssh-rsa', {}, comment);
}

function fromPem(text: string): ParsedPublicKey {
  const m = /^-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----$/.exec(text);
  if (!m) invalid();
  return fromDer(decodeBase64Strict(m[2]));
}

function fromOpenSshLine(text: string, opts: ParseOptions): ParsedPublicKey {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length !== 1) invalid();
  const m = /^\s*(\S+)\s+([A-Za-z0-9+/=]+)(?:\s+(.*?))?\s*$/.exec(lines[0]);
  if (!m) invalid();
  return fromSshBlob(decodeBase64Strict(m[2]), m[1], opts, m[3] || undefined);
}

const isPrintableText = (b: Buffer): boolean => b.length > 0 && [...b].every((c) => c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0x7f));

function parseText(text: string, opts: ParseOptions, depth: number): ParsedPublicKey {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') invalid();
  if (t.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) return fromRfc4716(t);
  if (t.startsWith('-----BEGIN ')) return fromPem(t);
  // An algorithm name ("ssh-rsa", "ecdsa-sha2-nistp256", …) always has a '-', which base64 never has.
  if (/^[a-z0-9@._]*-[a-z0-9@._-]*\s/.test(t)) return fromOpenSshLine(t, opts);
  // Base64 DER, or (once) the base64 of one of the textual formats.
  const decoded = decodeBase64Strict(t);
  if (decoded[0] === 0x30) return fromDer(decoded);
  if (depth === 0 && isPrintableText(decoded)) return parseText(decoded.toString('latin1'), opts, depth + 1);
  return invalid();
}

/**
 * Parse ImportKeyPair PublicKeyMaterial (already blob-decoded by the protocol layer). Throws
 * ERRORS.keyFormat("Key is not in valid OpenSSH public key format") for anything AWS would refuse.
 */
export function parsePublicKey(material: string | Uint8Array, options: ParseOptions = {}): ParsedPublicKey {
  try {
    if (typeof material !== 'string') {
      const bytes = Buffer.from(material);
      if (bytes[0] === 0x30 && !isPrintableText(bytes)) return fromDer(bytes); // raw DER handed over as bytes
      return parseText(bytes.toString('latin1'), options, 0);
    }
    return parseText(material, options, 0);
  } catch {
    // Any parse/validation failure (ours, or node:crypto refusing the key) is a format error.
    throw ERRORS.keyFormat(INVALID_PUBLIC_KEY_MESSAGE);
  }
}

/**
 * MD5 of the SSH public-key blob, colon hex — the fingerprint OpenStack Nova shows
 * (and `ssh-keygen -l -E md5`).
 */
export function publicKeyFingerprintMd5(publicKeyOpenSsh: string): string {
  const m = /^\s*\S+\s+([A-Za-z0-9+/=]+)/.exec(publicKeyOpenSsh);
  if (!m) throw ERRORS.keyFormat(INVALID_PUBLIC_KEY_MESSAGE);
  let blob: Buffer;
  try {
    blob = decodeBase64Strict(m[1]);
  } catch {
    throw ERRORS.keyFormat(INVALID_PUBLIC_KEY_MESSAGE);
  }
  return colonHex(createHash('md5').update(blob).digest());
}
