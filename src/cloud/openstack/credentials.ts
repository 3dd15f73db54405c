/**
 * EC2 credentials kept in Keystone. Signatures are verified locally with the
 * secret read through Keystone's credentials API (cached for
 * [openstack] credential_cache_ttl seconds), and the owner's token from
 * /v3/ec2tokens is cached until shortly before it expires: a steady client
 * costs no Keystone call per request. Where the service user may not read
 * secrets, every request is verified by /v3/ec2tokens instead.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { verifySignature } from '../../auth/signature.js';
import type { CredentialSource, IncomingRequest, ParsedSignature, Principal } from '../../auth/types.js';
import { ERRORS } from '../../errors/catalog.js';
import { isProviderError } from '../errors.js';
import type { Ec2TokenCredentials, Keystone, KeystoneToken } from './keystone.js';

const TOKEN_MARGIN_MS = 2 * 60_000;
const MAX_KEYS = 10_000;
/** Unknown access keys are cached apart, so a flood of them cannot evict the known ones. */
const MAX_UNKNOWN_KEYS = 1_000;
type Secret = { secret: string; userId: string; projectId: string } | 'missing' | 'forbidden';

export function ec2TokenRequest(req: IncomingRequest, sig: ParsedSignature): Ec2TokenCredentials {
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  if (sig.version === 'v2') {
    const params = { ...req.params };
    delete params.Signature;
    return { access: sig.accessKeyId, signature: sig.signature, host: req.headers.host ?? '', verb: req.method, path: req.path, params, headers: {}, body_hash: '' };
  }
  // Keystone's signer looks up Authorization and X-Amz-Date with exactly this case.
  const headers: Record<string, string> = { ...req.headers };
  if (req.headers.authorization) headers.Authorization = req.headers.authorization;
  if (req.headers['x-amz-date']) headers['X-Amz-Date'] = req.headers['x-amz-date'];
  if (req.headers.host) headers.Host = req.headers.host;
  const query = Object.fromEntries(new URLSearchParams(req.rawQuery));
  delete query['X-Amz-Signature'];
  return {
    access: sig.accessKeyId, signature: sig.signature, host: req.headers.host ?? '', verb: req.method, path: req.path,
    params: req.method === 'POST' && sig.version === 'v4-header' ? {} : query, headers, body_hash: bodyHash,
  };
}

export class KeystoneCredentialSource implements CredentialSource {
  /** Absent when credential_cache_ttl is 0: every request reads the secret. */
  private readonly secrets?: LRUCache<string, Exclude<Secret, 'missing'>>;
  private readonly unknown?: LRUCache<string, true>;
  /** Each token lives until TOKEN_MARGIN_MS before Keystone's expiry. */
  private readonly tokens = new LRUCache<string, KeystoneToken>({ max: MAX_KEYS });

  constructor(private readonly keystone: Keystone, ttlSeconds: number) {
    if (ttlSeconds > 0) {
      this.secrets = new LRUCache({ max: MAX_KEYS, ttl: ttlSeconds * 1000 });
      this.unknown = new LRUCache({ max: MAX_UNKNOWN_KEYS, ttl: ttlSeconds * 1000 });
    }
  }

  private async secret(access: string): Promise<Secret> {
    const hit = this.secrets?.get(access);
    if (hit) return hit;
    if (this.unknown?.has(access)) return 'missing';
    const value = await this.keystone.ec2Credential(access);
    if (value === 'missing') {
      this.unknown?.set(access, true);
      this.secrets?.delete(access);
      this.tokens.delete(access);
    } else {
      this.secrets?.set(access, value);
    }
    return value;
  }

  async authenticate(req: IncomingRequest, sig: ParsedSignature): Promise<Principal> {
    try {
      const known = await this.secret(sig.accessKeyId);
      if (known === 'missing') throw ERRORS.authFailure();
      if (known !== 'forbidden') {
        if (!verifySignature(req, sig, known.secret)) throw ERRORS.signatureDoesNotMatch();
        const cached = this.tokens.get(sig.accessKeyId);
        if (cached) return principalOf(cached, sig.accessKeyId);
      }
      const token = await this.keystone.ec2Token(ec2TokenRequest(req, sig));
      if (token === 'missing') throw ERRORS.authFailure();
      if (token === 'invalid-signature') throw ERRORS.signatureDoesNotMatch();
      const lifetime = token.expiresAt - TOKEN_MARGIN_MS - Date.now();
      if (known !== 'forbidden' && lifetime > 0) this.tokens.set(sig.accessKeyId, token, { ttl: lifetime });
      return principalOf(token, sig.accessKeyId);
    } catch (e) {
      if (isProviderError(e)) throw ERRORS.unavailable(`The authentication service is unavailable: ${e.message}`);
      throw e;
    }
  }

  forget(access: string) {
    this.tokens.delete(access);
  }
}

function principalOf(t: KeystoneToken, accessKeyId: string): Principal {
  return {
    projectId: t.projectId, projectName: t.projectName, ownerId: t.projectId, userId: t.userId, roles: t.roles,
    accessKeyId, cloudAuth: t,
  };
}
