/**
 * The cloud's side of an EC2 object, read without EC2: on the embedded cloud through the provider (as the project),
 * on OpenStack with the openstack CLI as the demo project. For tests that check what a create realized upstream.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TESTCLOUD_DIR, type TestServer } from './server.js';

const run = promisify(execFile);

export const openstackCli = async (cloud: string, args: string[]) => {
  const { stdout } = await run('openstack', ['--os-cloud', cloud, ...args, '-f', 'json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
  });
  return JSON.parse(stdout);
};

/** The backend id of an EC2 object of the alpha project (a VPC's router, a subnet's Neutron subnet). */
export async function osIdOf(s: TestServer, id: string): Promise<string> {
  const r = await s.app.store.resources.find(s.alpha.projectId, s.region, id);
  if (!r) throw new Error(`${id} is not in the store`);
  return r.osId;
}

export interface RouterSide { externalNetworkId?: string; routes: { destination: string; nexthop: string }[] }

/** The VPC's router as the cloud has it: its external gateway's network and its extra routes. */
export async function routerOf(s: TestServer, vpcId: string): Promise<RouterSide> {
  const osId = await osIdOf(s, vpcId);
  if (s.backend === 'openstack') {
    const r = await openstackCli('demo', ['router', 'show', osId]);
    const gw = r.external_gateway_info as { network_id?: string } | null;
    const routes = (r.routes ?? []) as { destination: string; nexthop: string }[];
    return { externalNetworkId: gw?.network_id ?? undefined, routes: routes.map((x) => ({ destination: x.destination, nexthop: x.nexthop })) };
  }
  const ctx = { requestId: randomUUID(), projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region };
  const r = await s.app.cloud.network.getRouter(ctx, osId);
  if (!r) throw new Error(`router ${osId} not found`);
  return { externalNetworkId: r.externalGateway?.networkId, routes: r.routes };
}

/** The dns_nameservers of a subnet's Neutron subnet. */
export async function dnsNameserversOf(s: TestServer, subnetId: string): Promise<string[]> {
  const osId = await osIdOf(s, subnetId);
  if (s.backend === 'openstack') {
    const r = await openstackCli('demo', ['subnet', 'show', osId]);
    return (r.dns_nameservers ?? []) as string[];
  }
  const ctx = { requestId: randomUUID(), projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region };
  const sn = await s.app.cloud.network.getSubnet(ctx, osId);
  if (!sn) throw new Error(`subnet ${osId} not found`);
  return sn.dnsNameservers;
}

/** The external networks as the project sees them. */
export async function externalNetworkIds(s: TestServer): Promise<string[]> {
  const ctx = { requestId: randomUUID(), projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region };
  if (s.backend === 'openstack') {
    const nets = await openstackCli('demo', ['network', 'list', '--external']);
    return (nets as { ID: string }[]).map((n) => n.ID);
  }
  return (await s.app.cloud.network.listExternalNetworks(ctx)).map((n) => n.id);
}
