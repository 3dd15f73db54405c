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

/**
 * A network interface as the network-interface area makes it (a port on the subnet's network, mapped to an eni-
 * id with its primary address), for tests of other areas that need one before that area exists.
 */
export async function makeInterface(s: TestServer, vpcId: string, subnetId: string): Promise<{ id: string; portId: string; ip: string }> {
  const subnet = await s.app.store.resources.find<{ networkId: string }>(s.alpha.projectId, s.region, subnetId);
  if (!subnet) throw new Error(`${subnetId} is not in the store`);
  let portId: string;
  let ip: string;
  if (s.backend === 'openstack') {
    const p = await openstackCli('demo', ['port', 'create', '--network', subnet.attrs.networkId, '--no-security-group', `rt-test-${randomUUID().slice(0, 8)}`]);
    portId = p.id;
    ip = (p.fixed_ips as { ip_address: string }[])[0].ip_address;
  } else {
    const ctx = { requestId: randomUUID(), projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region };
    const p = await s.app.cloud.network.createPort(ctx, { networkId: subnet.attrs.networkId });
    portId = p.id;
    ip = p.fixedIps[0].ipAddress;
  }
  const r = await s.app.store.resources.create(s.alpha.projectId, s.region, 'network-interface', portId, {
    vpcId, subnetId, description: '', sourceDestCheck: true, interfaceType: 'interface', primaryIp: ip, requesterManaged: false,
  });
  return { id: r.id, portId, ip };
}

export async function dropInterface(s: TestServer, eni: { id: string; portId: string }): Promise<void> {
  if (s.backend === 'openstack') {
    await run('openstack', ['--os-cloud', 'demo', 'port', 'delete', eni.portId], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OS_CLIENT_CONFIG_FILE: join(TESTCLOUD_DIR, 'clouds.yaml') },
    });
  } else {
    const ctx = { requestId: randomUUID(), projectId: s.alpha.projectId, userId: s.alpha.userId, region: s.region };
    await s.app.cloud.network.deletePort(ctx, eni.portId);
  }
  await s.app.store.resources.delete(s.alpha.projectId, [eni.id]);
}
