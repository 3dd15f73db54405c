import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Ec2Error } from '../errors/ec2-error.js';
import {
  generateKeyPair,
  INVALID_PUBLIC_KEY_MESSAGE,
  parsePublicKey,
  publicKeyFingerprintMd5,
} from './key-material.js';

// ---------------------------------------------------------------------------------------------
// helpers independent of the module under test

const hasTool = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SSH_KEYGEN = hasTool('ssh-keygen');
const OPENSSL = hasTool('openssl');
const PUTTYGEN = hasTool('puttygen');
// CI installs putty-tools and sets this, so the PuTTY format is checked by PuTTY itself, not only by our formula.
if (process.env.EC2API_REQUIRE_PUTTYGEN === '1' && !PUTTYGEN) throw new Error('puttygen (Debian putty-tools) is required here');

function run(cmd: string, args: string[], input?: string | Buffer): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return r.stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'key-material-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function tmpFile(content: string | Buffer, mode = 0o600): string {
  const p = join(dir, `f${fileNo++}`);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

const colonHex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const tokens = (line: string) => line.trim().split(/\s+/);

class Reader {
  off = 0;
  constructor(readonly buf: Buffer) {}
  u32() {
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  str() {
    const n = this.u32();
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    assert.equal(v.length, n, 'truncated');
    return v;
  }
  big() {
    const v = this.str();
    return v.length === 0 ? 0n : BigInt(`0x${v.toString('hex')}`);
  }
}

const ssh = (s: Buffer | string) => {
  const b = Buffer.from(s);
  const l = Buffer.alloc(4);
  l.writeUInt32BE(b.length);
  return Buffer.concat([l, b]);
};
const sshMpint = (mag: Buffer) => ssh((mag[0] & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), mag]) : mag);

function assertFormatError(fn: () => unknown, label?: string) {
  assert.throws(
    fn,
    (e: unknown) => e instanceof Ec2Error && e.code === 'InvalidKey.Format' && e.message === INVALID_PUBLIC_KEY_MESSAGE,
    label,
  );
}

/** MD5 of DER SPKI computed by node:crypto from an OpenSSH RSA/ECDSA line (independent of the module). */
function md5SpkiOf(line: string): string {
  const blob = Buffer.from(tokens(line)[1], 'base64');
  const r = new Reader(blob);
  const type = r.str().toString();
  let key: KeyObject;
  if (type === 'ssh-rsa') {
    const e = r.str();
    const n = r.str();
    const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
    key = createPublicKey({ key: { kty: 'RSA', n: strip(n).toString('base64url'), e: strip(e).toString('base64url') }, format: 'jwk' });
  } else {
    const curve = r.str().toString();
    const q = r.str();
    const len = (q.length - 1) / 2;
    const crv = ({ nistp256: 'P-256', nistp384: 'P-384', nistp521: 'P-521' } as Record<string, string>)[curve];
    key = createPublicKey({
      key: { kty: 'EC', crv, x: q.subarray(1, 1 + len).toString('base64url'), y: q.subarray(1 + len).toString('base64url') },
      format: 'jwk',
    });
  }
  return colonHex(createHash('md5').update(key.export({ type: 'spki', format: 'der' })).digest());
}

// ---------------------------------------------------------------------------------------------
// fixtures generated once with ssh-keygen 9.2 / OpenSSL 3.0 (used whether or not the tools exist)

const FIX_RSA =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDNqEyuVKBy/00ijWtztTu8f9A0wPlrhyhVhYYfyO0g2YPd6A/O/7pAPnzyi9p5NS24d6TeerhBH1xErdalw8a/kem1ct6WgchCLhur7+XJRmbr3M1aIuGVAJb/gPHDiT0q8FLV01/ALi/I7q4dO3u5vO61hR6UFw22sxf15EOkR4xx3GvuiVPWrTGczx3Yc5l/3dJTcU3feyL8oDWnQVs69Eq+EAGW981qcOCAsYw9C8x1YjYmdIGfP1fhZ+S8Tg3XM4Odu/E/lw0lugR7+5GGzX/BM991FsrlLd41PR4P+TYqkK8pMsz7b2TIB3oa8acqipTSvJJiI+jXyX4KPYsL fixture-rsa';
const FIX_RSA_MD5_SPKI = '09:4f:d1:2e:77:92:14:76:e8:e3:87:92:b3:70:43:50'; // openssl pkey -pubin -outform DER | openssl md5 -c
const FIX_RSA_MD5_BLOB = '73:db:3a:92:d2:91:bb:35:30:15:c5:46:d1:d6:45:09'; // ssh-keygen -l -E md5
const FIX_ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIALiSOl/GHWSbUwzC2sE6ecpCeWDZ+c2/Ex1gwjxUL1y fixture-ed';
const FIX_ED_SHA256 = '1uqqbIE05n4JcQW46tky2S9g2GsVCujCMAuswuT07CE'; // ssh-keygen -l -E sha256
const FIX_EC =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBdQYG/pWisb49KadfXx3rmY4x1BBbdkb/6Qk+h5QIjKoD4PqxmIbfrRAES1emh5d/JqQMjcE2w8+4SGzZVfA3k= fixture-ec';
const FIX_EC_MD5_SPKI = 'bb:a2:de:31:01:3c:0f:e0:f0:3a:30:c2:d5:d2:cd:c8';
const FIX_DSA =
  'ssh-dss AAAAB3NzaC1kc3MAAACBAO9bga/vab9fDBc85fJ4Xo1LTEwJggMhKmTIsV+EvDrLGxxojDBqq8muDXwon0cfM5g1UMOlz2A/Yf1ulGaLc0Z88n9vUzAmfy5y0fGU/ikLiPBabP4ahtlZ4zN2KqGXaVZASKdU5sTedSfix8f84tyfVZcXDiycNY3Y+Kjw8iGLAAAAFQCME6U3WXBsJbyVTEKdcOXR8sZzNQAAAIBW5AFHap64Un/Uf4LQ5/AxnvJtW+YnHpb2D5kjElhHiiw2rfKtBveHTD970PRdlkGDC4ldcxpbRjhoyaxBO6gY9/NFLLcWtVAwsEifO1asvMTkAchiKf8ePe6I05bjmnlhsmP5riZtkoRVi4WbY8l7kBwbfPdfo4usqVTqt6kFMgAAAIAf62bpFKLUHWGq3BpPdOYPGBRfFM6nqLy1qKJGks+gDR5A+EdVzy5zGfP50VLQPq+BYOMvJUlQ8YgVur0G2RZr7/FKEDsVIRKaImjh9wPHeFZ+1ABWISd28slNyPCr3fW2/v8LY0pfbaa+txaN5+LBWYfXYP9tAlTX8PZZ4fsrdw== fixture-dsa';

// ---------------------------------------------------------------------------------------------

describe('generateKeyPair rsa/pem', () => {
  const k = generateKeyPair('rsa', 'pem', 'my-key');

  test('PKCS#1 PEM that node:crypto loads, 2048 bits', () => {
    assert.match(k.privateKeyMaterial, /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----$/);
    const priv = createPrivateKey(k.privateKeyMaterial);
    assert.equal(priv.asymmetricKeyType, 'rsa');
    assert.equal(priv.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(priv.asymmetricKeyDetails?.publicExponent, 65537n);
  });

  test('fingerprint is SHA-1 of the PKCS#8 DER private key', () => {
    const der = createPrivateKey(k.privateKeyMaterial).export({ type: 'pkcs8', format: 'der' });
    assert.equal(k.fingerprint, colonHex(createHash('sha1').update(der).digest()));
    assert.match(k.fingerprint, /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
  });

  test('fingerprint matches `openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c`', { skip: !OPENSSL }, () => {
    const der = run('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', tmpFile(k.privateKeyMaterial)]);
    assert.equal(k.fingerprint, colonHex(createHash('sha1').update(der).digest()));
  });

  test('public key line is the private key\'s public half, with the name as comment', () => {
    const [type, , comment] = tokens(k.publicKeyOpenSsh);
    assert.equal(type, 'ssh-rsa');
    assert.equal(comment, 'my-key');
    const spki = createPublicKey(k.privateKeyMaterial).export({ type: 'spki', format: 'der' });
    assert.equal(md5SpkiOf(k.publicKeyOpenSsh), colonHex(createHash('md5').update(spki).digest()));
  });

  test('ssh-keygen -y derives the same public key', { skip: !SSH_KEYGEN }, () => {
    const out = run('ssh-keygen', ['-y', '-f', tmpFile(k.privateKeyMaterial)]).toString();
    assert.deepEqual(tokens(out).slice(0, 2), tokens(k.publicKeyOpenSsh).slice(0, 2));
  });
});

describe('generateKeyPair ed25519/pem (openssh-key-v1)', () => {
  const k = generateKeyPair('ed25519', 'pem', 'my-ed-key');

  test('container layout: unencrypted, one key, checkints, comment, padding 1,2,3…', () => {
    const m = /^-----BEGIN OPENSSH PRIVATE KEY-----\n([\s\S]+)\n-----END OPENSSH PRIVATE KEY-----\n$/.exec(k.privateKeyMaterial);
    assert.ok(m);
    for (const line of m[1].split('\n')) assert.ok(line.length <= 70);
    const body = Buffer.from(m[1].replace(/\n/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    assert.equal(body.subarray(0, magic.length).toString('latin1'), magic);
    const r = new Reader(body);
    r.off = magic.length;
    assert.equal(r.str().toString(), 'none');
    assert.equal(r.str().toString(), 'none');
    assert.equal(r.str().length, 0);
    assert.equal(r.u32(), 1);
    const pubBlob = r.str();
    const priv = r.str();
    assert.equal(r.off, body.length);
    assert.equal(priv.length % 8, 0);
    assert.equal(pubBlob.toString('base64'), tokens(k.publicKeyOpenSsh)[1]);
    const pr = new Reader(priv);
    assert.equal(pr.u32(), pr.u32(), 'checkints equal');
    assert.equal(pr.str().toString(), 'ssh-ed25519');
    const pub = pr.str();
    const sk = pr.str();
    assert.equal(sk.length, 64);
    assert.deepEqual(sk.subarray(32), pub);
    assert.equal(pr.str().toString(), 'my-ed-key');
    const pad = priv.subarray(pr.off);
    assert.deepEqual([...pad], pad.length ? Array.from({ length: pad.length }, (_, i) => i + 1) : []);
    // the seed really yields that public key
    const seedKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), sk.subarray(0, 32)]),
      format: 'der',
      type: 'pkcs8',
    });
    assert.equal(createPublicKey(seedKey).export({ format: 'jwk' }).x, pub.toString('base64url'));
  });

  test('fingerprint is base64 SHA-256 of the public blob, with = padding', () => {
    const blob = Buffer.from(tokens(k.publicKeyOpenSsh)[1], 'base64');
    assert.equal(k.fingerprint, createHash('sha256').update(blob).digest('base64'));
    assert.equal(k.fingerprint.length, 44);
    assert.ok(k.fingerprint.endsWith('='));
  });

  test('ssh-keygen -y loads it and prints the same public key and comment', { skip: !SSH_KEYGEN }, () => {
    const out = run('ssh-keygen', ['-y', '-f', tmpFile(k.privateKeyMaterial)]).toString();
    assert.deepEqual(tokens(out), tokens(k.publicKeyOpenSsh));
  });

  test('fingerprint equals `ssh-keygen -l -E sha256` plus padding', { skip: !SSH_KEYGEN }, () => {
    const out = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', tmpFile(`${k.publicKeyOpenSsh}\n`)]).toString();
    const fp = /SHA256:([A-Za-z0-9+/]+)/.exec(out)?.[1];
    assert.equal(`${fp}=`, k.fingerprint);
  });
});

describe('generateKeyPair ppk', () => {
  for (const type of ['rsa', 'ed25519'] as const) {
    for (const version of [2, 3] as const) {
      const k = generateKeyPair(type, 'ppk', `ppk-${type}-${version}`, version === 2 ? {} : { ppkVersion: version });
      const alg = type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519';

      test(`${type} v${version}${version === 2 ? ' (default)' : ''}: layout and MAC recomputed`, () => {
        const lines = k.privateKeyMaterial.split('\n');
        assert.equal(lines.pop(), '', 'ends with a newline');
        assert.equal(lines[0], `PuTTY-User-Key-File-${version}: ${alg}`);
        assert.equal(lines[1], 'Encryption: none');
        assert.equal(lines[2], `Comment: ppk-${type}-${version}`);
        const pubN = Number(/^Public-Lines: (\d+)$/.exec(lines[3])?.[1]);
        const pubB64 = lines.slice(4, 4 + pubN);
        const privHdr = lines[4 + pubN];
        const privN = Number(/^Private-Lines: (\d+)$/.exec(privHdr)?.[1]);
        const privB64 = lines.slice(5 + pubN, 5 + pubN + privN);
        const macLine = lines[5 + pubN + privN];
        assert.equal(lines.length, 6 + pubN + privN);
        for (const l of [...pubB64, ...privB64]) assert.ok(l.length <= 64 && l.length > 0);
        assert.ok(pubB64.slice(0, -1).every((l) => l.length === 64));
        assert.ok(privB64.slice(0, -1).every((l) => l.length === 64));
        const pubBlob = Buffer.from(pubB64.join(''), 'base64');
        const privBlob = Buffer.from(privB64.join(''), 'base64');
        assert.equal(pubBlob.toString('base64'), tokens(k.publicKeyOpenSsh)[1]);

        const macData = Buffer.concat([ssh(alg), ssh('none'), ssh(`ppk-${type}-${version}`), ssh(pubBlob), ssh(privBlob)]);
        const mac =
          version === 2
            ? createHmac('sha1', createHash('sha1').update('putty-private-key-file-mac-key').digest()).update(macData).digest('hex')
            : createHmac('sha256', Buffer.alloc(0)).update(macData).digest('hex');
        assert.equal(macLine, `Private-MAC: ${mac}`);

        // the private blob belongs to the public blob
        const pr = new Reader(pubBlob);
        pr.str();
        if (type === 'rsa') {
          const e = pr.big();
          const n = pr.big();
          const r = new Reader(privBlob);
          const [d, p, q, iqmp] = [r.big(), r.big(), r.big(), r.big()];
          assert.equal(r.off, privBlob.length);
          assert.equal(p * q, n);
          assert.equal((iqmp * q) % p, 1n);
          const m = 0x1234567n;
          const modpow = (b: bigint, x: bigint, mod: bigint) => {
            let res = 1n;
            let base = b % mod;
            for (let ex = x; ex > 0n; ex >>= 1n, base = (base * base) % mod) if (ex & 1n) res = (res * base) % mod;
            return res;
          };
          assert.equal(modpow(modpow(m, e, n), d, n), m);
        } else {
          const pub = pr.str();
          const r = new Reader(privBlob);
          const seed = r.str();
          assert.equal(seed.length, 32);
          assert.equal(r.off, privBlob.length);
          const sk = createPrivateKey({
            key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
            format: 'der',
            type: 'pkcs8',
          });
          assert.equal(createPublicKey(sk).export({ format: 'jwk' }).x, pub.toString('base64url'));
        }
      });

      test(`${type} v${version}: puttygen loads it (MAC checked) and round-trips`, { skip: !PUTTYGEN }, () => {
        const src = tmpFile(k.privateKeyMaterial);
        const pubOut = join(dir, `pg${fileNo++}.pub`);
        run('puttygen', [src, '-O', 'public-openssh', '-o', pubOut]);
        assert.equal(readFileSync(pubOut, 'utf8').trim(), k.publicKeyOpenSsh);
        // exporting the private key makes puttygen verify the MAC and decode the private blob
        const privOut = join(dir, `pg${fileNo++}.key`);
        run('puttygen', [src, '-O', 'private-openssh-new', '-o', privOut]);
        if (SSH_KEYGEN) {
          chmodSync(privOut, 0o600);
          const derived = run('ssh-keygen', ['-y', '-f', privOut]).toString();
          assert.deepEqual(tokens(derived).slice(0, 2), tokens(k.publicKeyOpenSsh).slice(0, 2));
        }
        // a tampered file is refused
        const bad = tmpFile(k.privateKeyMaterial.replace('Comment: ppk-', 'Comment: PPK-'));
        const r = spawnSync('puttygen', [bad, '-O', 'private-openssh-new', '-o', join(dir, `pg${fileNo++}.key`)]);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr.toString(), /MAC/);
      });
    }
  }
});

describe('parsePublicKey — fixtures', () => {
  test('RSA: fingerprint is MD5 of DER SPKI', () => {
    const p = parsePublicKey(FIX_RSA);
    assert.equal(p.keyType, 'rsa');
    assert.equal(p.bits, 2048);
    assert.equal(p.fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(p.publicKeyOpenSsh, FIX_RSA);
    assert.equal(p.comment, 'fixture-rsa');
    assert.equal(md5SpkiOf(FIX_RSA), FIX_RSA_MD5_SPKI);
  });

  test('ED25519: base64 SHA-256 with padding', () => {
    const p = parsePublicKey(`${FIX_ED}\n`);
    assert.equal(p.keyType, 'ed25519');
    assert.equal(p.fingerprint, `${FIX_ED_SHA256}=`);
    assert.equal(p.publicKeyOpenSsh, FIX_ED);
  });

  test('ECDSA: rejected like AWS, accepted with allowEcdsa (MD5 of DER SPKI)', () => {
    assertFormatError(() => parsePublicKey(FIX_EC));
    const p = parsePublicKey(FIX_EC, { allowEcdsa: true });
    assert.equal(p.keyType, 'ecdsa');
    assert.equal(p.bits, 256);
    assert.equal(p.fingerprint, FIX_EC_MD5_SPKI);
  });

  test('DSA rejected', () => {
    assertFormatError(() => parsePublicKey(FIX_DSA));
    assertFormatError(() => parsePublicKey(FIX_DSA, { allowEcdsa: true }));
  });

  test('no comment, CRLF, BOM, surrounding whitespace', () => {
    const bare = tokens(FIX_RSA).slice(0, 2).join(' ');
    assert.equal(parsePublicKey(bare).publicKeyOpenSsh, bare);
    assert.equal(parsePublicKey(bare).comment, undefined);
    assert.equal(parsePublicKey(`\uFEFF  ${FIX_RSA}\r\n`).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(new TextEncoder().encode(`${FIX_ED}\n`)).fingerprint, `${FIX_ED_SHA256}=`);
  });

  test('double base64-encoded OpenSSH line', () => {
    assert.equal(parsePublicKey(Buffer.from(`${FIX_RSA}\n`).toString('base64')).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(Buffer.from(FIX_ED).toString('base64')).fingerprint, `${FIX_ED_SHA256}=`);
    // only once
    assertFormatError(() => parsePublicKey(Buffer.from(Buffer.from(FIX_RSA).toString('base64')).toString('base64')));
  });

  test('base64 DER SPKI, PEM, PKCS#1 (RSA only)', () => {
    const spki = createPublicKey({ key: Buffer.from(spkiDerOf(FIX_RSA)), format: 'der', type: 'spki' });
    const der = spki.export({ type: 'spki', format: 'der' });
    assert.equal(parsePublicKey(der.toString('base64')).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(der.toString('base64').replace(/(.{64})/g, '$1\n')).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(String(spki.export({ type: 'spki', format: 'pem' }))).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(String(spki.export({ type: 'pkcs1', format: 'pem' }))).fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(parsePublicKey(spki.export({ type: 'pkcs1', format: 'der' }).toString('base64')).fingerprint, FIX_RSA_MD5_SPKI);
    const p = parsePublicKey(der.toString('base64'));
    assert.equal(p.publicKeyOpenSsh, tokens(FIX_RSA).slice(0, 2).join(' '));
    // ED25519 / EC DER is not accepted (AWS: "(RSA only) Base64 encoded DER format")
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    assertFormatError(() => parsePublicKey(ed.toString('base64')));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    assertFormatError(() => parsePublicKey(ec.toString('base64'), { allowEcdsa: true }));
  });

  test('RFC 4716 (RSA only), with quoted and continued Comment header', () => {
    const b64 = tokens(FIX_RSA)[1].replace(/(.{70})/g, '$1\n');
    const text = `---- BEGIN SSH2 PUBLIC KEY ----\nComment: "2048-bit RSA, converted by \\\nsomeone"\nx-private: 1\n${b64}\n---- END SSH2 PUBLIC KEY ----\n`;
    const p = parsePublicKey(text);
    assert.equal(p.fingerprint, FIX_RSA_MD5_SPKI);
    assert.equal(p.comment, '2048-bit RSA, converted by someone');
    assert.equal(p.publicKeyOpenSsh, `${tokens(FIX_RSA).slice(0, 2).join(' ')} 2048-bit RSA, converted by someone`);
    const ed = `---- BEGIN SSH2 PUBLIC KEY ----\n${tokens(FIX_ED)[1]}\n---- END SSH2 PUBLIC KEY ----\n`;
    assertFormatError(() => parsePublicKey(ed));
  });

  test('RSA size limits 1024..16384 bits', () => {
    const line = (bits: number) => {
      const n = Buffer.alloc(Math.ceil(bits / 8), 0xff);
      n[0] = bits % 8 === 0 ? 0xff : (1 << (bits % 8)) - 1; // top bit set at position `bits`
      return `ssh-rsa ${Buffer.concat([ssh('ssh-rsa'), sshMpint(Buffer.from([1, 0, 1])), sshMpint(n)]).toString('base64')}`;
    };
    assertFormatError(() => parsePublicKey(line(1023)));
    assert.equal(parsePublicKey(line(1024)).bits, 1024);
    assert.equal(parsePublicKey(line(16384)).bits, 16384);
    assertFormatError(() => parsePublicKey(line(16385)));
    const small = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ format: 'jwk' });
    const smallBlob = Buffer.concat([
      ssh('ssh-rsa'),
      sshMpint(Buffer.from(small.e ?? '', 'base64url')),
      sshMpint(Buffer.from(small.n ?? '', 'base64url')),
    ]);
    assertFormatError(() => parsePublicKey(`ssh-rsa ${smallBlob.toString('base64')}`));
  });

  test('garbage and malformed keys → InvalidKey.Format', () => {
    const rsaB64 = tokens(FIX_RSA)[1];
    const rsaBlob = Buffer.from(rsaB64, 'base64');
    const cases = [
      '',
      '   ',
      'hello world',
      'ssh-rsa',
      'ssh-rsa !!!!notbase64!!!!',
      `ssh-rsa ${rsaB64.slice(0, 100)}`, // truncated
      `ssh-ed25519 ${rsaB64}`, // label/blob mismatch
      `ssh-rsa ${Buffer.concat([rsaBlob, Buffer.from([0])]).toString('base64')}`, // trailing data
      `${FIX_RSA}\n${FIX_ED}`, // two keys
      `ssh-rsa-cert-v01@openssh.com ${rsaB64}`,
      `sk-ssh-ed25519@openssh.com ${tokens(FIX_ED)[1]}`,
      `ssh-ed25519 ${Buffer.concat([ssh('ssh-ed25519'), ssh(Buffer.alloc(31))]).toString('base64')}`,
      String(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' })),
      '---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      Buffer.from('just some text').toString('base64'),
      'AAAA',
    ];
    for (const c of cases) assertFormatError(() => parsePublicKey(c), JSON.stringify(c.slice(0, 60)));
    // an ECDSA point that is not on the curve
    const q = Buffer.alloc(65, 7);
    q[0] = 4;
    const offCurve = Buffer.concat([ssh('ecdsa-sha2-nistp256'), ssh('nistp256'), ssh(q)]).toString('base64');
    assertFormatError(() => parsePublicKey(`ecdsa-sha2-nistp256 ${offCurve}`, { allowEcdsa: true }));
    // curve name inside the blob must match the algorithm
    const ecBlob = Buffer.from(tokens(FIX_EC)[1], 'base64');
    const mismatched = Buffer.concat([ssh('ecdsa-sha2-nistp384'), ecBlob.subarray(4 + 19)]).toString('base64');
    assertFormatError(() => parsePublicKey(`ecdsa-sha2-nistp384 ${mismatched}`, { allowEcdsa: true }));
  });
});

/** DER SPKI of an OpenSSH RSA line via node:crypto. */
function spkiDerOf(line: string): Buffer {
  const r = new Reader(Buffer.from(tokens(line)[1], 'base64'));
  r.str();
  const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
  const e = strip(r.str());
  const n = strip(r.str());
  return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' }).export({
    type: 'spki',
    format: 'der',
  });
}

describe('parsePublicKey — keys generated by ssh-keygen now', { skip: !SSH_KEYGEN }, () => {
  const gen = (type: string, bits?: number) => {
    const base = join(dir, `sk${fileNo++}`);
    run('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', `${type}-${bits ?? ''}`, '-f', base]);
    return { base, line: readFileSync(`${base}.pub`, 'utf8') };
  };
  /** Independent MD5-of-SPKI: ssh-keygen exports PKCS8 PEM, openssl (or node) hashes the DER. */
  const expectedMd5Spki = (pubFile: string, line: string) => {
    const pem = run('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', pubFile]);
    if (OPENSSL) {
      const der = run('openssl', ['pkey', '-pubin', '-outform', 'DER'], pem);
      return colonHex(createHash('md5').update(der).digest());
    }
    return md5SpkiOf(line);
  };
  const sshKeygenFp = (pubFile: string, hash: 'md5' | 'sha256') =>
    (/(?:MD5|SHA256):(\S+)/.exec(run('ssh-keygen', ['-l', '-E', hash, '-f', pubFile]).toString()) ?? [])[1];

  for (const bits of [2048, 4096]) {
    test(`rsa ${bits}`, () => {
      const { base, line } = gen('rsa', bits);
      const p = parsePublicKey(line);
      assert.equal(p.keyType, 'rsa');
      assert.equal(p.bits, bits);
      assert.equal(p.fingerprint, expectedMd5Spki(`${base}.pub`, line));
      assert.equal(p.publicKeyOpenSsh, line.trim());
      assert.equal(publicKeyFingerprintMd5(p.publicKeyOpenSsh), sshKeygenFp(`${base}.pub`, 'md5'));
      // same key as RFC 4716 and as base64 DER
      const rfc4716 = run('ssh-keygen', ['-e', '-f', `${base}.pub`]).toString();
      assert.match(rfc4716, /^---- BEGIN SSH2 PUBLIC KEY ----/);
      assert.equal(parsePublicKey(rfc4716).fingerprint, p.fingerprint);
      const pem = run('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${base}.pub`]).toString();
      const b64der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      assert.equal(parsePublicKey(b64der).fingerprint, p.fingerprint);
      assert.equal(parsePublicKey(pem).fingerprint, p.fingerprint);
    });
  }

  test('ed25519', () => {
    const { base, line } = gen('ed25519');
    const p = parsePublicKey(line);
    assert.equal(p.keyType, 'ed25519');
    assert.equal(p.fingerprint, `${sshKeygenFp(`${base}.pub`, 'sha256')}=`);
    assert.equal(publicKeyFingerprintMd5(line), sshKeygenFp(`${base}.pub`, 'md5'));
  });

  for (const bits of [256, 384, 521]) {
    test(`ecdsa ${bits}: rejected by default, MD5 of SPKI with allowEcdsa`, () => {
      const { base, line } = gen('ecdsa', bits);
      assertFormatError(() => parsePublicKey(line));
      const p = parsePublicKey(line, { allowEcdsa: true });
      assert.equal(p.keyType, 'ecdsa');
      assert.equal(p.bits, bits);
      assert.equal(p.fingerprint, expectedMd5Spki(`${base}.pub`, line));
    });
  }

  test('dsa rejected', (t) => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'dsa', '-N', '', '-f', join(dir, `dsa${fileNo++}`)]);
    if (r.status !== 0) return t.skip('this ssh-keygen cannot make DSA keys');
    assertFormatError(() => parsePublicKey(readFileSync(join(dir, `dsa${fileNo - 1}.pub`), 'utf8')));
  });
});

describe('publicKeyFingerprintMd5', () => {
  test('MD5 of the SSH blob, colon hex (ssh-keygen -l -E md5 / Nova)', () => {
    assert.equal(publicKeyFingerprintMd5(FIX_RSA), FIX_RSA_MD5_BLOB);
    assert.equal(
      publicKeyFingerprintMd5(FIX_ED),
      colonHex(createHash('md5').update(Buffer.from(tokens(FIX_ED)[1], 'base64')).digest()),
    );
    assertFormatError(() => publicKeyFingerprintMd5('nonsense'));
  });
});
