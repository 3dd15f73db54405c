/**
 * The provider contract against the real test cloud (npm run test:openstack):
 * the demo and alt projects, with tokens from password auth of their users.
 * Quotas are set, and public images made, by the admin through the services' APIs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createOpenStack } from '../../src/cloud/openstack/index.js';
import { endpointOf, type KeystoneToken, parseToken } from '../../src/cloud/openstack/keystone.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/log.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TEST_BACKEND, TESTCLOUD_DIR } from '../helpers/server.js';
import { type NetworkContractTarget, runNetworkContract } from './network-suite.js';
import { runServerGroupsContract } from './server-groups-suite.js';
import { runCloudContract } from './suite.js';

if (TEST_BACKEND !== 'openstack') {
  test('OpenStack provider contract', { skip: 'runs with npm run test:openstack (EC2API_TEST_BACKEND=openstack)' }, () => {});
} else {
  const openstackTarget = async (): Promise<NetworkContractTarget> => {
    // A longer upstream timeout than the default: the suite creates 20 ports at once on a 2-core test cloud.
    const config = loadConfig({ env: { EC2API_CONFIG: join(TESTCLOUD_DIR, 'ec2api.conf') }, argv: ['--openstack.timeout=60'] });
    const region = config.DEFAULT.region_name;
    const { cloud } = await createOpenStack(config, new Metrics(), createLogger('error'));
    const clouds = readFileSync(join(TESTCLOUD_DIR, 'clouds.yaml'), 'utf8');
    const endpoints = JSON.parse(readFileSync(join(TESTCLOUD_DIR, 'endpoints.json'), 'utf8')) as Record<string, string>;
    const field = (cloudName: string, key: string) => {
      const block = clouds.split(/\n {2}(?=\w+:\n)/).find((b) => b.startsWith(`${cloudName}:`)) ?? '';
      return new RegExp(`${key}:\\s*'?([^'\\n]+)'?`).exec(block)?.[1]?.trim() ?? '';
    };
    const login = async (cloudName: string): Promise<KeystoneToken> => {
      const res = await fetch(`${config.keystone_authtoken.auth_url.replace(/\/+$/, '')}/auth/tokens`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: {
          identity: { methods: ['password'], password: { user: { name: field(cloudName, 'username'), domain: { name: 'Default' }, password: field(cloudName, 'password') } } },
          scope: { project: { name: field(cloudName, 'project_name'), domain: { name: 'Default' } } },
        } }),
      });
      if (!res.ok) throw new Error(`login as ${cloudName}: HTTP ${res.status} ${await res.text()}`);
      return parseToken(res.headers.get('x-subject-token') ?? '', await res.json());
    };
    const tokens = { a: await login('demo'), b: await login('alt'), admin: await login('admin') };
    const ctxOf = (token: KeystoneToken) => ({ requestId: randomUUID(), projectId: token.projectId, userId: token.userId, region, auth: token });
    const a = ctxOf(tokens.a);

    /** A call to a service's API with a user's token; returns the JSON body. */
    const api = async (token: KeystoneToken, type: string, method: string, path: string, body?: unknown) => {
      const base = endpointOf(token.catalog, type, region, 'public');
      const res = await fetch(`${base}${path}`, {
        method, headers: { 'x-auth-token': token.token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${type}${path}: HTTP ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    // Quotas are tried on the admin project: tests of other files use demo and alt at the same time.
    const quotaCtx = ctxOf(tokens.admin);
    const nova = (method: string, body?: object) => api(tokens.admin, 'compute', method, `/os-quota-sets/${quotaCtx.projectId}`, body);
    const neutron = (method: string, body?: object) => api(tokens.admin, 'network', method, `/v2.0/quotas/${quotaCtx.projectId}`, body);
    const cinder = (method: string, body?: object) => api(tokens.admin, 'block-storage', method, `/os-quota-sets/${quotaCtx.projectId}`, body);

    return {
      provider: cloud,
      a,
      b: ctxOf(tokens.b),
      zones: ['nova'],
      regions: { mode: 'fixed', names: [region], endpoint: endpoints.ec2 },
      async withQuotas(q, check) {
        const before = { nova: (await nova('GET')).quota_set, neutron: (await neutron('GET')).quota, cinder: (await cinder('GET')).quota_set };
        try {
          // force: Nova would refuse a limit under the project's current usage
          await nova('PUT', { quota_set: { instances: q.instances, force: true } });
          await neutron('PUT', { quota: { floatingip: q.floatingIps } });
          await cinder('PUT', { quota_set: { volumes: q.volumes, gigabytes: q.gigabytes, snapshots: q.snapshots } });
          await check(cloud, quotaCtx);
        } finally {
          await nova('PUT', { quota_set: { instances: before.nova.instances, force: true } });
          await neutron('PUT', { quota: { floatingip: before.neutron.floatingip } });
          await cinder('PUT', { quota_set: { volumes: before.cinder.volumes, gigabytes: before.cinder.gigabytes, snapshots: before.cinder.snapshots } });
        }
      },
      async createImage(owner, image) {
        const created = await api(tokens[owner], 'image', 'POST', '/v2/images', { ...image, disk_format: 'raw', container_format: 'bare' });
        return created.id as string;
      },
      deleteImage: async (owner, id) => { await api(tokens[owner], 'image', 'DELETE', `/v2/images/${id}`); },
      close: () => cloud.close(),
      // Neutron's default policy lets only admins pick a floating IP's address.
      choosesFloatingIpAddress: false,
    };
  };
  runCloudContract('openstack', openstackTarget);
  runNetworkContract('openstack', openstackTarget);
  runServerGroupsContract('openstack', openstackTarget);
}
