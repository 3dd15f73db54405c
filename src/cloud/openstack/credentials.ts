/**
 * EC2 credentials kept in Keystone. Signatures are verified locally with the
 * secret read through Keystone's credentials API (cached for
 * [openstack] credential_cache_ttl seconds), and the owner's token from
 * /v3/ec2tokens is cached until shortly before it expires: a steady client
 * costs no Keystone call per request. Where the service user may not read
 * secrets, every request is verified by /v3/ec2tokens instead.
 */
import { createHash } from 'node:crypto';
import { verifySignature } from '../../auth/signature.js';
import type { CredentialSource, IncomingRequest, ParsedSignature, Principal } from '../../auth/types.js';
import { ERRORS } from '../../errors/catalog.js';
import { isProviderError } from '../errors.js';
import type { Ec2TokenCredentials, Keystone, KeystoneToken } from './keystone.js';

const TOKEN_MARGIN_MS = 2 * 60_000;
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
  private readonly secrets = new Map<string, { at: number; value: Secret }>();
  private readonly tokens = new Map<string, KeystoneToken>();

  constructor(private readonly keystone: Keystone, private readonly ttlSeconds: number) {}

  private async secret(access: string): Promise<Secret> {
    const hit = this.secrets.get(access);
    if (hit && Date.now() - hit.at < this.ttlSeconds * 1000) return hit.value;
    const value = await this.keystone.ec2Credential(access);
    if (this.secrets.size > 10_000) this.secrets.clear();
    this.secrets.set(access, { at: Date.now(), value });
    if (value === 'missing') this.tokens.delete(access);
    return value;
  }

  async authenticate(req: IncomingRequest, sig: ParsedSignature): Promise<Principal> {
    try {
      const known = await this.secret(sig.accessKeyId);
      if (known === 'missing') throw ERRORS.authFailure();
      if (known !== 'forbidden') {
        if (!verifySignature(req, sig, known.secret)) throw ERRORS.signatureDoesNotMatch();
        const cached = this.tokens.get(sig.accessKeyId);
        if (cached && cached.expiresAt - TOKEN_MARGIN_MS > Date.now()) return principalOf(cached, sig.accessKeyId);
      }
      const token = await this.keystone.ec2Token(ec2TokenRequest(req, sig));
      if (token === 'missing') throw ERRORS.authFailure();
      if (token === 'invalid-signature') throw ERRORS.signatureDoesNotMatch();
      if (known !== 'forbidden') this.tokens.set(sig.accessKeyId, token);
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
