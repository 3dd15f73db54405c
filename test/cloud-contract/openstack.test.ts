/**
 * The provider contract against the real test cloud (npm run test:openstack):
 * the demo and alt projects, with tokens from password auth of their users.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createOpenStack } from '../../src/cloud/openstack/index.js';
import { parseToken } from '../../src/cloud/openstack/keystone.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/log.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TEST_BACKEND, TESTCLOUD_DIR } from '../helpers/server.js';
import { runCloudContract } from './suite.js';

if (TEST_BACKEND !== 'openstack') {
  test('OpenStack provider contract', { skip: 'runs with npm run test:openstack (EC2API_TEST_BACKEND=openstack)' }, () => {});
} else {
  runCloudContract('openstack', async () => {
    const config = loadConfig({ env: { EC2API_CONFIG: join(TESTCLOUD_DIR, 'ec2api.conf') }, argv: [] });
    const { cloud } = await createOpenStack(config, undefined as never, new Metrics(), createLogger('error'));
    const clouds = readFileSync(join(TESTCLOUD_DIR, 'clouds.yaml'), 'utf8');
    const field = (cloudName: string, key: string) => {
      const block = clouds.split(/\n {2}(?=\w+:\n)/).find((b) => b.startsWith(`${cloudName}:`)) ?? '';
      return new RegExp(`${key}:\\s*'?([^'\\n]+)'?`).exec(block)?.[1]?.trim() ?? '';
    };
    const login = async (cloudName: string) => {
      const res = await fetch(`${config.keystone_authtoken.auth_url.replace(/\/+$/, '')}/auth/tokens`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: {
          identity: { methods: ['password'], password: { user: { name: field(cloudName, 'username'), domain: { name: 'Default' }, password: field(cloudName, 'password') } } },
          scope: { project: { name: field(cloudName, 'project_name'), domain: { name: 'Default' } } },
        } }),
      });
      if (!res.ok) throw new Error(`login as ${cloudName}: HTTP ${res.status} ${await res.text()}`);
      const token = parseToken(res.headers.get('x-subject-token') ?? '', await res.json());
      return { requestId: randomUUID(), projectId: token.projectId, userId: token.userId, region: config.DEFAULT.region_name, auth: token };
    };
    return { provider: cloud, a: await login('demo'), b: await login('alt'), close: () => cloud.close() };
  });
}
