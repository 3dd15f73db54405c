/**
 * Credentials kept in the service's own store (the embedded default, and
 * `ec2-api-manage credentials`). Lookups are cached in memory so a request costs
 * no database round trip. The manage tool bumps the store's `credentials` change
 * counter with every change, which each process polls (CREDENTIAL_POLL_MS) to
 * drop its cache: a deleted credential stops working within about a second on
 * every worker and host. The TTLs are the backstop for changes made otherwise.
 */
import { LRUCache } from 'lru-cache';
import { ERRORS } from '../errors/catalog.js';
import type { Logger } from '../observability/log.js';
import { CREDENTIALS_COUNTER, type CounterWatch, watchCounter } from '../store/counters.js';
import type { Store } from '../store/store.js';
import { verifySignature } from './signature.js';
import type { CredentialSource, IncomingRequest, ParsedSignature, Principal } from './types.js';

export const CREDENTIAL_CACHE = {
  /** Known access keys: secret and principal. */
  max: 10_000,
  ttlMs: 60_000,
  /** Unknown access keys, kept apart so a flood of them cannot evict the known ones. */
  unknownMax: 1_000,
  unknownTtlMs: 5_000,
  pollMs: 1_000,
};

interface Known { secret: string; principal: Principal }

export class LocalCredentialSource implements CredentialSource {
  private readonly known: LRUCache<string, Known>;
  private readonly unknown: LRUCache<string, true>;
  /** Moves on every invalidation: a lookup that started before one must not cache what it read. */
  private generation = 0;
  private readonly watch?: CounterWatch;

  constructor(
    private readonly store: Pick<Store, 'credentials' | 'db'>,
    opts: { logger?: Logger; limits?: Partial<typeof CREDENTIAL_CACHE>; watch?: boolean } = {},
  ) {
    const l = { ...CREDENTIAL_CACHE, ...opts.limits };
    this.known = new LRUCache({ max: l.max, ttl: l.ttlMs });
    this.unknown = new LRUCache({ max: l.unknownMax, ttl: l.unknownTtlMs });
    if (opts.watch !== false) {
      this.watch = watchCounter(store.db, CREDENTIALS_COUNTER, {
        intervalMs: l.pollMs,
        onChange: () => this.invalidate(),
        onError: (e) => opts.logger?.warn('cannot poll the credentials change counter; cached credentials expire by TTL only', {
          error: e instanceof Error ? e.message : String(e),
        }),
        onRecover: () => {
          this.invalidate(); // changes made meanwhile went unseen
          opts.logger?.info('polling the credentials change counter again');
        },
      });
    }
  }

  /** Drops every cached lookup. */
  invalidate(): void {
    this.generation++;
    this.known.clear();
    this.unknown.clear();
  }

  private async lookup(accessKeyId: string): Promise<Known | undefined> {
    const hit = this.known.get(accessKeyId);
    if (hit) return hit;
    if (this.unknown.has(accessKeyId)) return undefined;
    const generation = this.generation;
    const cred = await this.store.credentials.find(accessKeyId);
    const entry = cred && {
      secret: cred.secret,
      principal: {
        projectId: cred.projectId, projectName: cred.project.name, ownerId: cred.project.ownerId,
        userId: cred.userId, roles: ['member'], accessKeyId,
      },
    };
    if (generation === this.generation) {
      if (entry) this.known.set(accessKeyId, entry);
      else this.unknown.set(accessKeyId, true);
    }
    return entry;
  }

  async authenticate(req: IncomingRequest, sig: ParsedSignature): Promise<Principal> {
    const entry = await this.lookup(sig.accessKeyId);
    if (!entry) throw ERRORS.authFailure('AWS was not able to validate the provided access credentials');
    if (!verifySignature(req, sig, entry.secret)) throw ERRORS.signatureDoesNotMatch();
    return entry.principal;
  }

  close(): Promise<void> {
    return this.watch?.stop() ?? Promise.resolve();
  }
}
