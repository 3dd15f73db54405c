/**
 * The OpenStack backend: thin REST adapters over Nova and Neutron (Cinder and
 * Glance come with the issues that need them), acting as the calling user with
 * the token Keystone issued for the caller's EC2 credential, so the cloud's
 * own policies apply. Endpoints come from the caller's service catalog.
 */
import type { CredentialSource } from '../../auth/types.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observability/log.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import { ProviderError } from '../errors.js';
import { cachedRegions } from '../region-cache.js';
import type { CloudContext, CloudProvider, ComputeService, IdentityService, NetworkService } from '../provider.js';
import type { KeyPairRecord } from '../records.js';
import { KeystoneCredentialSource } from './credentials.js';
import { Upstream } from './http.js';
import { endpointOf, Keystone, type KeystoneToken } from './keystone.js';

const NOVA_VERSION = '2.2'; // key pair `type`; later microversions drop nothing we use

export async function createOpenStack(config: Config, _store: Store, metrics: Metrics, logger: Logger): Promise<{ cloud: CloudProvider; credentials: CredentialSource }> {
  const os = config.openstack;
  const ks = config.keystone_authtoken;
  const http = new Upstream(os.timeout * 1000, os.max_connections, metrics, logger.child({ component: 'openstack' }));
  const keystone = new Keystone(http, {
    authUrl: ks.auth_url, username: ks.username, password: ks.password, projectName: ks.project_name,
    userDomainName: ks.user_domain_name, projectDomainName: ks.project_domain_name, interface: os.interface,
  });
  const credentials = new KeystoneCredentialSource(keystone, os.credential_cache_ttl);

  const tokenOf = (ctx: CloudContext): KeystoneToken => {
    const t = ctx.auth as KeystoneToken | undefined;
    if (!t?.token) throw new ProviderError('Unauthorized', 'no OpenStack token for this request');
    return t;
  };
  const url = (ctx: CloudContext, type: string | string[]) => {
    const base = endpointOf(tokenOf(ctx).catalog, type, ctx.region, os.interface);
    if (!base) throw new ProviderError('Unavailable', `the catalog has no ${[type].flat()[0]} endpoint in region ${ctx.region}`);
    return base;
  };
  const nova = <T>(ctx: CloudContext, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
    http.call<T>({
      service: 'compute', method, url: `${url(ctx, 'compute')}${path}`, token: tokenOf(ctx).token, body,
      requestId: ctx.requestId, signal: ctx.signal, headers: { 'openstack-api-version': `compute ${NOVA_VERSION}` },
    });
  const neutron = <T>(ctx: CloudContext, method: 'GET', path: string) =>
    http.call<T>({ service: 'network', method, url: `${url(ctx, 'network')}/v2.0${path}`, token: tokenOf(ctx).token, requestId: ctx.requestId, signal: ctx.signal });

  interface NovaKeyPair { name: string; public_key: string; type?: string; created_at?: string }
  const toRecord = (k: NovaKeyPair): KeyPairRecord => ({
    name: k.name, publicKey: k.public_key, type: k.type === 'x509' ? 'x509' : 'ssh',
    createdAt: k.created_at ? new Date(k.created_at.endsWith('Z') ? k.created_at : `${k.created_at}Z`) : undefined,
  });

  const compute: ComputeService = {
    async listKeyPairs(ctx) {
      const res = await nova<{ keypairs: { keypair: NovaKeyPair }[] }>(ctx, 'GET', '/os-keypairs');
      return res.body.keypairs.map((k) => toRecord(k.keypair));
    },
    async getKeyPair(ctx, name) {
      try {
        const res = await nova<{ keypair: NovaKeyPair }>(ctx, 'GET', `/os-keypairs/${encodeURIComponent(name)}`);
        return toRecord(res.body.keypair);
      } catch (e) {
        if (e instanceof ProviderError && e.kind === 'NotFound') return undefined;
        throw e;
      }
    },
    async importKeyPair(ctx, name, publicKey) {
      const res = await nova<{ keypair: NovaKeyPair }>(ctx, 'POST', '/os-keypairs', { keypair: { name, public_key: publicKey, type: 'ssh' } });
      return toRecord({ ...res.body.keypair, created_at: res.body.keypair.created_at ?? new Date().toISOString() });
    },
    async deleteKeyPair(ctx, name) {
      await nova(ctx, 'DELETE', `/os-keypairs/${encodeURIComponent(name)}`);
    },
    async listAvailabilityZones(ctx) {
      const res = await nova<{ availabilityZoneInfo: { zoneName: string; zoneState: { available: boolean } }[] }>(ctx, 'GET', '/os-availability-zone');
      return res.body.availabilityZoneInfo
        .filter((z) => z.zoneName !== 'internal')
        .map((z) => ({ name: z.zoneName, available: z.zoneState.available }));
    },
    async getQuotas(ctx) {
      const res = await nova<{ quota_set: { instances: number; cores: number; ram: number; key_pairs: number } }>(ctx, 'GET', `/os-quota-sets/${ctx.projectId}`);
      const q = res.body.quota_set;
      return { instances: q.instances, cores: q.cores, ramMb: q.ram, keyPairs: q.key_pairs };
    },
  };

  const network: NetworkService = {
    async getQuotas(ctx) {
      const res = await neutron<{ quota: { floatingip: number; security_group: number; security_group_rule: number; port: number } }>(ctx, 'GET', `/quotas/${ctx.projectId}`);
      const q = res.body.quota;
      return { floatingIps: q.floatingip, securityGroups: q.security_group, securityGroupRules: q.security_group_rule, ports: q.port };
    },
  };

  const identity: IdentityService = cachedRegions({
    async listRegions(ctx) {
      const names = await keystone.regions(ctx?.requestId);
      return { mode: 'fixed', regions: names.map((name) => ({ name, endpoint: keystone.catalogEndpoint('ec2', name) })) };
    },
  });

  return {
    cloud: { name: 'openstack', compute, network, identity, close: () => http.close() },
    credentials,
  };
}
