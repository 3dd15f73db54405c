/**
 * Starts the real EC2 API in-process on a free port (a fresh data folder and a
 * fresh database of the dialect under test), with two projects, and hands out
 * @aws-sdk/client-ec2 clients and an aws-cli runner signed with their credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import ini from 'ini';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/log.js';
import { type App, createApp, credentialsFileText } from '../../src/server/app.js';
import { createEc2Server, listen } from '../../src/server/http.js';
import type { Credential } from '../../src/store/store.js';
import { deleteVpcObjects } from './cleanup.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

const run = promisify(execFile);

export type TestBackend = 'local' | 'openstack';
/** The backend under test: EC2API_TEST_BACKEND=openstack runs the suites against the test cloud (.testcloud/). */
export const TEST_BACKEND = (process.env.EC2API_TEST_BACKEND ?? 'local') as TestBackend;
export const TESTCLOUD_DIR = process.env.EC2API_TESTCLOUD_DIR ?? join(new URL('../..', import.meta.url).pathname, '.testcloud');

export interface TestServer {
  backend: TestBackend;
  /** The region clients use by default: us-east-1 on the embedded cloud, the cloud's region on OpenStack. */
  region: string;
  app: App;
  endpoint: string;
  dataDir: string;
  alpha: Credential;
  beta: Credential;
  /** An SDK client for a project's credentials (default: alpha) in a region (default us-east-1). */
  client(cred?: Credential, region?: string): EC2Client;
  /** Runs `aws ec2 <args>` with a project's credentials; resolves with parsed JSON (or the raw error). */
  cli(args: string[], cred?: Credential, region?: string): Promise<{ ok: boolean; json?: unknown; stderr: string; code: number }>;
  close(): Promise<void>;
}

export async function startTestServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-test-'));
  const database: TestDatabase = await createTestDatabase();
  const openstack = TEST_BACKEND === 'openstack';
  const config = loadConfig({
    env: {
      EC2API_DATA_DIR: dataDir, EC2API_DATABASE_URL: database.url, EC2API_PORT: '0',
      ...(openstack ? { EC2API_CONFIG: join(TESTCLOUD_DIR, 'ec2api.conf') } : {}),
      ...extraEnv,
    },
    // The test cloud's Neutron and Nova run one worker each on a small machine shared with parallel suites.
    argv: openstack ? ['--openstack.timeout=60'] : [],
  });
  const region = config.DEFAULT.region_name;
  const logLines: string[] = [];
  // EC2API_TEST_LOG=errors prints the server's error lines (unhandled errors with their stacks) to stderr.
  const printErrors = process.env.EC2API_TEST_LOG === 'errors';
  const app = await createApp(config, {
    logger: createLogger('info', {}, (l) => {
      logLines.push(l);
      if (printErrors && /"level":"(error|fatal)"/.test(l)) process.stderr.write(`${l}\n`);
    }),
  });
  const server: Server = await listen(createEc2Server(app.pipeline, app.logger, app.metrics), 0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let alpha: Credential;
  let beta: Credential;
  if (openstack) {
    // The test cloud's demo and alt projects (two Keystone projects with EC2 credentials).
    const creds = ini.parse(readFileSync(join(TESTCLOUD_DIR, 'credentials'), 'utf8'));
    const env = Object.fromEntries([...readFileSync(join(TESTCLOUD_DIR, 'env'), 'utf8').matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]]));
    const of = (profile: string, projectId: string): Credential => ({
      accessKey: creds[profile].aws_access_key_id, secret: creds[profile].aws_secret_access_key, projectId, userId: profile, createdAt: '',
    });
    alpha = of('demo', env.DEMO_PROJECT_ID);
    beta = of('alt', env.ALT_PROJECT_ID);
  } else {
    const alphaProject = await app.store.projects.getOrCreate('alpha');
    const betaProject = await app.store.projects.getOrCreate('beta');
    alpha = await app.store.credentials.create(alphaProject.id, 'alice');
    beta = await app.store.credentials.create(betaProject.id, 'bob');
  }
  const credFile = join(dataDir, 'test-credentials');
  writeFileSync(credFile, credentialsFileText('alpha', alpha.accessKey, alpha.secret, region)
    + credentialsFileText('beta', beta.accessKey, beta.secret, region));

  const clients: EC2Client[] = [];
  const s: TestServer = {
    backend: TEST_BACKEND, region, app, endpoint, dataDir, alpha, beta,
    client(cred = alpha, clientRegion = region) {
      const c = new EC2Client({
        endpoint, region: clientRegion, maxAttempts: 1,
        credentials: { accessKeyId: cred.accessKey, secretAccessKey: cred.secret },
      });
      clients.push(c);
      return c;
    },
    async cli(args, cred = alpha, cliRegion = region) {
      const profile = cred === beta ? 'beta' : 'alpha';
      try {
        const { stdout, stderr } = await run('aws', ['--endpoint-url', endpoint, '--region', cliRegion, '--output', 'json', 'ec2', ...args], {
          env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: credFile, AWS_PROFILE: profile, AWS_CONFIG_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1' },
        });
        return { ok: true, json: stdout.trim() ? JSON.parse(stdout) : undefined, stderr, code: 0 };
      } catch (e) {
        const err = e as { stderr?: string; code?: number };
        return { ok: false, stderr: err.stderr ?? String(e), code: err.code ?? 1 };
      }
    },
    async close() {
      // On OpenStack the Neutron objects behind this server's VPC objects outlive it: delete them.
      if (openstack) {
        for (const cred of [alpha, beta]) {
          // Only for a project that has VPC objects in this server's store: a Describe would make it a default VPC.
          const kinds = ['vpc', 'security-group', 'network-interface', 'elastic-ip'] as const;
          const lists = await Promise.all(kinds.map((k) => app.store.resources.list(cred.projectId, region, k)));
          if (lists.every((l) => l.length === 0)) continue;
          await deleteVpcObjects(s.client(cred));
        }
      }
      for (const c of clients) c.destroy();
      await new Promise((r) => { server.close(r); server.closeAllConnections(); });
      await app.close();
      await database.drop();
    },
  };
  return s;
}

/** Sends a raw, unsigned-or-hand-signed HTTP request to the server. */
export async function rawRequest(endpoint: string, init: { method?: string; path?: string; body?: string; headers?: Record<string, string> }) {
  const res = await fetch(`${endpoint}${init.path ?? '/'}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init.headers ?? {}) },
    body: init.body,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
