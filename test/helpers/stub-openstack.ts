/**
 * A programmable stand-in for Keystone and Nova/Neutron, for the failures a real
 * cloud cannot be made to show on demand (5xx, timeouts, quota answers, 401/403).
 * Keystone answers enough for the service to authenticate one EC2 credential;
 * every compute/network call goes to `handler`, which tests replace.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { startTestServer, type TestServer } from './server.js';

export interface StubReply { status: number; body?: unknown; delayMs?: number }
export type StubHandler = (method: string, path: string, body: unknown) => StubReply;

export interface StubCloud {
  url: string;
  access: string;
  secret: string;
  projectId: string;
  /** Calls seen, `${service} ${method} ${path}`. */
  calls: string[];
  /** X-Auth-Token of each compute/network call. */
  tokens: string[];
  handler: StubHandler;
  keystoneDown: boolean;
  /** The service user may not read EC2 secrets (GET /v3/credentials/… → 403). */
  credentialsForbidden: boolean;
  /** The EC2 credential was deleted in Keystone. */
  revoked: boolean;
  /** Status /v3/ec2tokens answers (200: valid signature). */
  ec2tokensStatus: number;
  close(): Promise<void>;
}

export async function startStubCloud(): Promise<StubCloud> {
  const access = 'a'.repeat(32);
  const secret = 's'.repeat(32);
  const projectId = 'p'.repeat(32);
  let base = '';
  const token = () => ({
    token: {
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      user: { id: 'user-1' }, project: { id: projectId, name: 'stub' }, roles: [{ name: 'member' }],
      catalog: [
        { type: 'compute', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${base}/compute/v2.1` }] },
        { type: 'network', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${base}/network` }] },
      ],
    },
  });
  const stub: StubCloud = {
    url: '', access, secret, projectId, calls: [], tokens: [], keystoneDown: false, credentialsForbidden: false, revoked: false, ec2tokensStatus: 200,
    handler: () => ({ status: 500, body: { computeFault: { message: 'no handler', code: 500 } } }),
    close: async () => {},
  };
  const send = (res: ServerResponse, reply: StubReply, headers: Record<string, string> = {}) => {
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    };
    if (reply.delayMs) setTimeout(write, reply.delayMs);
    else write();
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text ? JSON.parse(text) : undefined;
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (path.startsWith('/identity/')) {
      stub.calls.push(`identity ${method} ${path}`);
      if (stub.keystoneDown) { req.socket.destroy(); return; }
      if (path === '/identity/v3/auth/tokens' && method === 'POST') return send(res, { status: 201, body: token() }, { 'x-subject-token': 'service-token' });
      if (path.startsWith('/identity/v3/credentials/') && stub.credentialsForbidden) {
        return send(res, { status: 403, body: { error: { code: 403, message: 'You are not authorized to perform the requested action: identity:get_credential.' } } });
      }
      if (path === `/identity/v3/credentials/${createHash('sha256').update(access).digest('hex')}` && !stub.revoked) {
        return send(res, { status: 200, body: { credential: { type: 'ec2', user_id: 'user-1', project_id: projectId, blob: JSON.stringify({ access, secret }) } } });
      }
      if (path.startsWith('/identity/v3/credentials/')) return send(res, { status: 404, body: { error: { code: 404, message: 'Could not find credential' } } });
      if (path === '/identity/v3/ec2tokens') {
        if (stub.ec2tokensStatus !== 200) return send(res, { status: stub.ec2tokensStatus, body: { error: { code: stub.ec2tokensStatus, message: 'refused' } } });
        return send(res, { status: 200, body: token() }, { 'x-subject-token': 'user-token' });
      }
      if (path === '/identity/v3/regions') return send(res, { status: 200, body: { regions: [{ id: 'RegionOne' }] } });
      return send(res, { status: 404, body: { error: { code: 404, message: 'not found' } } });
    }
    const service = path.split('/')[1];
    const rest = path.slice(service.length + 1);
    stub.calls.push(`${service} ${method} ${rest}`);
    stub.tokens.push(String(req.headers['x-auth-token'] ?? ''));
    send(res, stub.handler(method, `/${service}${rest}`, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.url = base;
  stub.close = () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); });
  return stub;
}

/** A configuration file pointing the service at the stub (OpenStack backend), plus `extra` lines. */
export function writeStubConfig(stub: StubCloud, name: string, extra: string[] = []): string {
  const conf = join(process.env.TMPDIR ?? '/tmp', `ec2api-${name}-${process.pid}.conf`);
  writeFileSync(conf, [
    '[DEFAULT]', 'cloud_backend = openstack', 'region_name = RegionOne', 'request_timeout = 5',
    '[keystone_authtoken]', `auth_url = ${stub.url}/identity/v3`, 'username = ec2api', 'password = x', 'project_name = service',
    '[openstack]', 'timeout = 1', 'credential_cache_ttl = 0',
    ...extra,
  ].join('\n'));
  return conf;
}

/** The service on the OpenStack backend pointed at a new stub cloud, and an SDK client with the stub's EC2 credential. */
export async function startStubbedServer(name: string, extra: string[] = []): Promise<{ stub: StubCloud; s: TestServer; ec2: EC2Client; close(): Promise<void> }> {
  const stub = await startStubCloud();
  const s = await startTestServer({ EC2API_CONFIG: writeStubConfig(stub, name, extra) });
  const ec2 = new EC2Client({ endpoint: s.endpoint, region: 'RegionOne', maxAttempts: 1, credentials: { accessKeyId: stub.access, secretAccessKey: stub.secret } });
  return {
    stub, s, ec2,
    async close() {
      ec2.destroy();
      await s.close();
      await stub.close();
    },
  };
}
