/**
 * Credentials kept in the service's own store (the embedded default, and
 * `ec2-api-manage credentials`). Secrets are cached briefly so a request costs
 * no database round trip; a deleted credential stops working within CACHE_MS.
 */
import { ERRORS } from '../errors/catalog.js';
import type { Store } from '../store/store.js';
import { verifySignature } from './signature.js';
import type { CredentialSource, IncomingRequest, ParsedSignature, Principal } from './types.js';

const CACHE_MS = 5_000;

export class LocalCredentialSource implements CredentialSource {
  private readonly cache = new Map<string, { at: number; secret: string; principal: Principal } | { at: number; missing: true }>();

  constructor(private readonly store: Store) {}

  private async lookup(accessKeyId: string) {
    const hit = this.cache.get(accessKeyId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit;
    const cred = await this.store.credentials.find(accessKeyId);
    const entry = cred
      ? { at: Date.now(), secret: cred.secret, principal: {
          projectId: cred.projectId, projectName: cred.project.name, ownerId: cred.project.ownerId,
          userId: cred.userId, roles: ['member'], accessKeyId,
        } }
      : { at: Date.now(), missing: true as const };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(accessKeyId, entry);
    return entry;
  }

  async authenticate(req: IncomingRequest, sig: ParsedSignature): Promise<Principal> {
    const entry = await this.lookup(sig.accessKeyId);
    if ('missing' in entry) throw ERRORS.authFailure('AWS was not able to validate the provided access credentials');
    if (!verifySignature(req, sig, entry.secret)) throw ERRORS.signatureDoesNotMatch();
    return entry.principal;
  }
}
