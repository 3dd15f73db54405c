/**
 * Keystone: the service's own session (password auth of the configured service
 * user, token cached until shortly before it expires), EC2 credential lookup
 * through the credentials API, /v3/ec2tokens, regions and the service catalog.
 */
import { createHash } from 'node:crypto';
import { ProviderError } from '../errors.js';
import { cachedRegions } from '../region-cache.js';
import type { IdentityService } from '../provider.js';
import type { Upstream } from './http.js';

export interface CatalogEntry { type: string; endpoints: { interface: string; region_id?: string; region?: string; url: string }[] }

export interface KeystoneToken {
  token: string;
  expiresAt: number;
  catalog: CatalogEntry[];
  userId: string;
  projectId: string;
  projectName: string;
  roles: string[];
}

export interface KeystoneOptions {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  interface: string;
}

/** Parameters of POST /v3/ec2tokens, as Keystone's EC2 signer reads them. */
export interface Ec2TokenCredentials {
  access: string;
  signature: string;
  host: string;
  verb: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body_hash: string;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

interface TokenBody {
  token: {
    expires_at: string;
    catalog?: CatalogEntry[];
    user: { id: string };
    project?: { id: string; name: string };
    roles?: { name: string }[];
  };
}

export function parseToken(token: string, body: TokenBody): KeystoneToken {
  const t = body.token;
  return {
    token,
    expiresAt: Date.parse(t.expires_at),
    catalog: t.catalog ?? [],
    userId: t.user.id,
    projectId: t.project?.id ?? '',
    projectName: t.project?.name ?? '',
    roles: (t.roles ?? []).map((r) => r.name),
  };
}

export function endpointOf(catalog: CatalogEntry[], type: string | string[], region: string, iface: string): string | undefined {
  const types = Array.isArray(type) ? type : [type];
  for (const t of types) {
    const entry = catalog.find((c) => c.type === t);
    const ep = entry?.endpoints.find((e) => e.interface === iface && (e.region_id ?? e.region) === region);
    if (ep) return ep.url.replace(/\/+$/, '');
  }
  return undefined;
}

export class Keystone {
  readonly baseUrl: string;
  private service?: KeystoneToken;
  private pending?: Promise<KeystoneToken>;

  constructor(private readonly http: Upstream, private readonly opts: KeystoneOptions) {
    const url = opts.authUrl.replace(/\/+$/, '');
    this.baseUrl = url.endsWith('/v3') ? url : `${url}/v3`;
  }

  /** The service user's project-scoped token. */
  async serviceToken(requestId?: string): Promise<KeystoneToken> {
    if (this.service && this.service.expiresAt - REFRESH_MARGIN_MS > Date.now()) return this.service;
    this.pending ??= this.authenticate(requestId).finally(() => { this.pending = undefined; });
    this.service = await this.pending;
    return this.service;
  }

  private async authenticate(requestId?: string): Promise<KeystoneToken> {
    const o = this.opts;
    const res = await this.http.call<TokenBody>({
      service: 'identity', method: 'POST', url: `${this.baseUrl}/auth/tokens`, requestId,
      body: { auth: {
        identity: { methods: ['password'], password: { user: { name: o.username, domain: { name: o.userDomainName }, password: o.password } } },
        scope: { project: { name: o.projectName, domain: { name: o.projectDomainName } } },
      } },
      accept: [401],
    });
    if (res.status === 401) {
      throw new ProviderError('Unavailable', `Keystone rejected the service user '${o.username}' ([keystone_authtoken] username/password)`);
    }
    return parseToken(String(res.headers['x-subject-token']), res.body);
  }

  /** Drops the cached service token (after Keystone said it is no longer valid). */
  forgetServiceToken() {
    this.service = undefined;
  }

  /**
   * The EC2 credential with this access key, read with the service token.
   * 'forbidden' when the service user may not read other users' credentials.
   */
  async ec2Credential(access: string, requestId?: string): Promise<{ secret: string; userId: string; projectId: string } | 'missing' | 'forbidden'> {
    const id = createHash('sha256').update(access).digest('hex');
    const token = await this.serviceToken(requestId);
    const res = await this.http.call<{ credential?: { blob: string; user_id: string; project_id: string; type: string } }>({
      service: 'identity', method: 'GET', url: `${this.baseUrl}/credentials/${id}`, token: token.token, requestId, accept: [401, 403, 404],
    });
    if (res.status === 401) {
      this.forgetServiceToken();
      throw new ProviderError('Unavailable', 'Keystone refused the service token');
    }
    if (res.status === 403) return 'forbidden';
    const cred = res.body.credential;
    if (res.status === 404 || !cred || cred.type !== 'ec2') return 'missing';
    const blob = JSON.parse(cred.blob) as { access: string; secret: string };
    if (blob.access !== access) return 'missing';
    return { secret: blob.secret, userId: cred.user_id, projectId: cred.project_id };
  }

  /** Verifies a signature in Keystone and returns a token of the credential's owner (scoped to its project). */
  async ec2Token(credentials: Ec2TokenCredentials, requestId?: string): Promise<KeystoneToken | 'invalid-signature' | 'missing'> {
    const token = await this.serviceToken(requestId);
    const res = await this.http.call<TokenBody>({
      service: 'identity', method: 'POST', url: `${this.baseUrl}/ec2tokens`, token: token.token, requestId,
      body: { credentials }, accept: [401, 403, 404],
    });
    if (res.status === 404) return 'missing';
    if (res.status === 401 || res.status === 403) return 'invalid-signature';
    return parseToken(String(res.headers['x-subject-token']), res.body);
  }

  /** Region ids of the deployment. */
  async regions(requestId?: string): Promise<string[]> {
    const token = await this.serviceToken(requestId);
    const res = await this.http.call<{ regions: { id: string }[] }>({
      service: 'identity', method: 'GET', url: `${this.baseUrl}/regions`, token: token.token, requestId,
    });
    return res.body.regions.map((r) => r.id).sort();
  }

  catalogEndpoint(type: string, region: string): string | undefined {
    return this.service ? endpointOf(this.service.catalog, type, region, this.opts.interface) : undefined;
  }
}

/**
 * Keystone as the provider's identity service: the deployment's regions, each with this service's endpoint
 * there. Cached once, in src/cloud/region-cache.ts, for the pipeline's region check and DescribeRegions alike.
 */
export function keystoneIdentity(keystone: Keystone): IdentityService {
  return cachedRegions({
    async listRegions(ctx) {
      const names = await keystone.regions(ctx?.requestId);
      return { mode: 'fixed', regions: names.map((name) => ({ name, endpoint: keystone.catalogEndpoint('ec2', name) })) };
    },
  });
}
