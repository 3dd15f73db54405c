/**
 * The Neutron part of the provider contract: networks, subnets, ports and their
 * addresses, routers, floating IPs, security groups, on every backend. Run by
 * local.test.ts and openstack.test.ts with the same target as the rest of the
 * contract; what the test creates upstream is removed afterwards, also on failure.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isProviderError, type ProviderErrorKind } from '../../src/cloud/errors.js';
import { parseCidr, parseIp } from '../../src/kit/ip.js';
import type { CloudContext, ListQuery, NetworkService, Page } from '../../src/cloud/provider.js';
import type { ContractTarget } from './suite.js';

export interface NetworkContractTarget extends ContractTarget {
  /** Whether the caller may pick a floating IP's address (Neutron's default policy: admins only). */
  choosesFloatingIpAddress: boolean;
}

const kind = (k: ProviderErrorKind) => (e: unknown) => {
  assert.ok(isProviderError(e, k), `expected ProviderError ${k}, got ${e instanceof Error ? `${(e as { kind?: string }).kind ?? e.name}: ${e.message}` : String(e)}`);
  return true;
};

async function all<T>(list: (q: ListQuery<never>) => Promise<Page<T>>, limit: number): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await list({ limit, marker });
    assert.ok(page.items.length <= limit);
    out.push(...page.items);
    if (page.next === undefined) return out;
    assert.equal(page.items.length, limit, 'a page with a next one is full');
    marker = page.next;
  }
  throw new Error('paging did not end');
}

const inPool = (ip: string, start: string, end: string) => {
  const v = parseIp(ip)?.value ?? -1n;
  return v >= (parseIp(start)?.value ?? 0n) && v <= (parseIp(end)?.value ?? 0n);
};
const sorted = (ids: string[]) => [...ids].sort();

export function runNetworkContract(name: string, create: () => Promise<NetworkContractTarget>) {
  describe(`cloud provider contract, network: ${name}`, () => {
    let t: NetworkContractTarget;
    let net: NetworkService;
    const tag = `contract-${randomBytes(4).toString('hex')}`;
    /** Undo steps, run last-in first-out. */
    const undo: (() => Promise<unknown>)[] = [];
    const later = (fn: () => Promise<unknown>) => undo.push(fn);
    before(async () => {
      t = await create();
      net = t.provider.network;
    });
    after(async () => {
      for (const fn of undo.reverse()) await fn().catch(() => undefined);
      await t.close();
    });

    /** A network with one IPv4 subnet whose pool skips the first four and the last address (what the EC2 layer will ask for). */
    const makeNetwork = async (ctx: CloudContext, third: number, prefix = 24) => {
      const n = await net.createNetwork(ctx, { name: `${tag}-net` });
      later(async () => {
        // ports a timed-out create made after all, then the network
        for (const p of (await net.listPorts(ctx, { filters: { networkId: [n.id] } })).items) {
          if (p.deviceOwner !== 'network:router_interface') await net.deletePort(ctx, p.id).catch(() => undefined);
        }
        await net.deleteNetwork(ctx, n.id);
      });
      const cidr = `10.${(third >> 8) + 100}.${third & 255}.0/${prefix}`;
      const c = parseCidr(cidr);
      assert.ok(c);
      const host = (i: bigint) => { const v = c.network + i; return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.'); };
      const size = c.last - c.network;
      const s = await net.createSubnet(ctx, {
        networkId: n.id, name: `${tag}-subnet`, cidr, ipVersion: 4, gatewayIp: host(1n),
        allocationPools: [{ start: host(4n), end: host(size - 1n) }], dnsNameservers: ['192.0.2.53'],
      });
      later(() => net.deleteSubnet(ctx, s.id));
      return { network: n, subnet: s, host };
    };
    const makePort = async (ctx: CloudContext, networkId: string, extra: Partial<Parameters<NetworkService['createPort']>[1]> = {}) => {
      const p = await net.createPort(ctx, { networkId, name: `${tag}-port`, ...extra });
      later(() => net.deletePort(ctx, p.id));
      return p;
    };

    test('networks and subnets: create, get, list, update, isolation', async () => {
      const { network, subnet, host } = await makeNetwork(t.a, 1);
      assert.equal(network.name, `${tag}-net`);
      assert.equal(network.projectId, t.a.projectId);
      assert.equal(network.external, false);
      assert.deepEqual(subnet, {
        id: subnet.id, name: `${tag}-subnet`, projectId: t.a.projectId, networkId: network.id, cidr: '10.100.1.0/24', ipVersion: 4,
        gatewayIp: host(1n), allocationPools: [{ start: host(4n), end: host(254n) }], dnsNameservers: ['192.0.2.53'], hostRoutes: [],
      });
      assert.deepEqual((await net.getNetwork(t.a, network.id))?.subnetIds, [subnet.id]);
      assert.deepEqual(await net.getSubnet(t.a, subnet.id), subnet);
      assert.deepEqual((await net.listNetworks(t.a, { ids: [network.id, randomUUID()] })).items.map((n) => n.id), [network.id]);
      assert.deepEqual((await net.listSubnets(t.a, { filters: { networkId: [network.id] } })).items.map((s) => s.id), [subnet.id]);
      assert.deepEqual((await net.listSubnets(t.a, { filters: { networkId: [] } })).items, []);

      const updated = await net.updateSubnet(t.a, subnet.id, {
        dnsNameservers: ['192.0.2.54', '192.0.2.55'], hostRoutes: [{ destination: '172.16.0.0/16', nexthop: host(5n) }],
      });
      assert.deepEqual(updated.dnsNameservers, ['192.0.2.54', '192.0.2.55']);
      assert.deepEqual(updated.hostRoutes, [{ destination: '172.16.0.0/16', nexthop: host(5n) }]);
      assert.deepEqual(updated.allocationPools, subnet.allocationPools, 'the pools stay');

      // a second, IPv6 subnet on the same network
      const v6 = await net.createSubnet(t.a, { networkId: network.id, cidr: 'fd00:1:2:3::/64', ipVersion: 6 });
      later(() => net.deleteSubnet(t.a, v6.id));
      assert.equal(v6.ipVersion, 6);
      assert.equal(v6.gatewayIp, 'fd00:1:2:3::', "Neutron's IPv6 default: the subnet-router anycast address");
      assert.deepEqual(v6.allocationPools, [{ start: 'fd00:1:2:3::1', end: 'fd00:1:2:3:ffff:ffff:ffff:ffff' }]);

      await assert.rejects(net.createSubnet(t.a, { networkId: network.id, cidr: '10.100.1.0/33', ipVersion: 4 }), kind('BadRequest'));
      await assert.rejects(net.createSubnet(t.a, { networkId: network.id, cidr: '10.100.1.128/25', ipVersion: 4 }), kind('BadRequest'), 'overlap');
      await assert.rejects(net.createSubnet(t.a, { networkId: randomUUID(), cidr: '10.100.9.0/24', ipVersion: 4 }), kind('NotFound'));

      // project b sees none of it
      assert.equal(await net.getNetwork(t.b, network.id), undefined);
      assert.equal(await net.getSubnet(t.b, subnet.id), undefined);
      assert.deepEqual((await net.listNetworks(t.b, { ids: [network.id] })).items, []);
      assert.ok(!(await net.listSubnets(t.b)).items.some((s) => s.id === subnet.id));
      await assert.rejects(net.deleteNetwork(t.b, network.id), kind('NotFound'));
      await assert.rejects(net.createSubnet(t.b, { networkId: network.id, cidr: '10.100.2.0/24', ipVersion: 4 }), kind('NotFound'));
    });

    test('ports: parallel creates get distinct addresses of the pool; explicit, taken and secondary addresses', async () => {
      const { network, subnet, host } = await makeNetwork(t.a, 2);
      const pool = subnet.allocationPools[0];
      const ports = await Promise.all([...Array(20)].map(() => makePort(t.a, network.id)));
      const addresses = ports.map((p) => {
        assert.equal(p.fixedIps.length, 1);
        assert.equal(p.fixedIps[0].subnetId, subnet.id);
        return p.fixedIps[0].ipAddress;
      });
      assert.equal(new Set(addresses).size, 20, `20 distinct addresses: ${addresses.join(' ')}`);
      for (const a of addresses) assert.ok(inPool(a, pool.start, pool.end), `${a} is in the pool ${pool.start}-${pool.end}`);
      for (const p of ports) {
        assert.equal(p.networkId, network.id);
        assert.match(p.macAddress, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        assert.deepEqual(p.securityGroupIds, []);
      }

      // an explicit address, outside the pool but in the subnet (Neutron allows it); then it is taken
      const fixed = await makePort(t.a, network.id, { fixedIps: [{ subnetId: subnet.id, ipAddress: host(2n) }], description: 'explicit', deviceId: `${tag}-dev`, deviceOwner: 'compute:test' });
      assert.deepEqual(fixed.fixedIps, [{ subnetId: subnet.id, ipAddress: host(2n) }]);
      assert.equal(fixed.description, 'explicit');
      assert.equal(fixed.deviceId, `${tag}-dev`);
      await assert.rejects(net.createPort(t.a, { networkId: network.id, fixedIps: [{ ipAddress: host(2n) }] }), kind('Conflict'));
      await assert.rejects(net.createPort(t.a, { networkId: network.id, fixedIps: [{ subnetId: subnet.id, ipAddress: addresses[0] }] }), kind('Conflict'));
      await assert.rejects(net.createPort(t.a, { networkId: network.id, fixedIps: [{ subnetId: subnet.id, ipAddress: '10.200.0.5' }] }), kind('BadRequest'));

      // secondary addresses: one given, one any; then removed again
      const grown = await net.updatePort(t.a, fixed.id, {
        fixedIps: [{ subnetId: subnet.id, ipAddress: host(2n) }, { subnetId: subnet.id, ipAddress: host(3n) }, { subnetId: subnet.id }],
      });
      const grownIps = grown.fixedIps.map((f) => f.ipAddress);
      assert.equal(grownIps.length, 3);
      assert.ok(grownIps.includes(host(2n)) && grownIps.includes(host(3n)));
      const third = grownIps.find((a) => a !== host(2n) && a !== host(3n)) ?? '';
      assert.ok(inPool(third, pool.start, pool.end) && !addresses.includes(third), `${third}: a free address of the pool`);
      await assert.rejects(net.updatePort(t.a, ports[0].id, { fixedIps: [{ subnetId: subnet.id, ipAddress: host(3n) }] }), kind('Conflict'));
      const shrunk = await net.updatePort(t.a, fixed.id, { fixedIps: [{ subnetId: subnet.id, ipAddress: host(2n) }] });
      assert.deepEqual(shrunk.fixedIps, [{ subnetId: subnet.id, ipAddress: host(2n) }]);
      // the freed address can be taken again
      const again = await makePort(t.a, network.id, { fixedIps: [{ subnetId: subnet.id, ipAddress: host(3n) }] });
      assert.equal(again.fixedIps[0].ipAddress, host(3n));

      // lists: filters, ids, paging in id order
      const mine = sorted([...ports.map((p) => p.id), fixed.id, again.id]);
      const byNetwork = (q: ListQuery<never>) => net.listPorts(t.a, { ...q, filters: { networkId: [network.id] } });
      assert.deepEqual((await byNetwork({})).items.map((p) => p.id), mine, 'in id order');
      for (const limit of [1, 7, 50]) assert.deepEqual((await all(byNetwork, limit)).map((p) => p.id), mine, `limit ${limit}`);
      assert.deepEqual((await net.listPorts(t.a, { filters: { deviceId: [`${tag}-dev`] } })).items.map((p) => p.id), [fixed.id]);
      assert.deepEqual((await net.listPorts(t.a, { filters: { subnetId: [subnet.id], ipAddress: [host(3n)] } })).items.map((p) => p.id), [again.id]);
      assert.deepEqual((await net.listPorts(t.a, { ids: [ports[3].id, ports[1].id, randomUUID()] })).items.map((p) => p.id), sorted([ports[1].id, ports[3].id]));
      await assert.rejects(net.listPorts(t.a, { marker: randomUUID() }), kind('BadRequest'));
      assert.equal(await net.getPort(t.b, fixed.id), undefined);
      assert.deepEqual((await net.listPorts(t.b, { filters: { networkId: [network.id] } })).items, []);

      // what is in use cannot go
      await assert.rejects(net.deleteSubnet(t.a, subnet.id), kind('InUse'));
      await assert.rejects(net.deleteNetwork(t.a, network.id), kind('InUse'));
      await net.deletePort(t.a, again.id);
      assert.equal(await net.getPort(t.a, again.id), undefined);
      await assert.rejects(net.deletePort(t.a, again.id), kind('NotFound'));
    });

    test('ports: a used-up pool answers IpAddressExhausted', async () => {
      const { network, subnet, host } = await makeNetwork(t.a, 3, 28);
      const small = await net.updateSubnet(t.a, subnet.id, { allocationPools: [{ start: host(4n), end: host(5n) }] });
      assert.deepEqual(small.allocationPools, [{ start: host(4n), end: host(5n) }]);
      const two = await Promise.all([makePort(t.a, network.id), makePort(t.a, network.id)]);
      assert.deepEqual(sorted(two.map((p) => p.fixedIps[0].ipAddress)), sorted([host(4n), host(5n)]));
      await assert.rejects(net.createPort(t.a, { networkId: network.id }), kind('IpAddressExhausted'));
    });

    test('security groups and rules: default egress, duplicates, remote groups, in use, ports', async () => {
      const g = await net.createSecurityGroup(t.a, { name: `${tag}-web`, description: 'web' });
      later(() => net.deleteSecurityGroup(t.a, g.id));
      assert.equal(g.name, `${tag}-web`);
      assert.equal(g.description, 'web');
      assert.deepEqual(g.rules.map((r) => `${r.direction} ${r.ethertype} ${r.protocol} ${r.remoteIpPrefix} ${r.remoteGroupId}`).sort(),
        ['egress IPv4 null null null', 'egress IPv6 null null null']);
      const other = await net.createSecurityGroup(t.a, { name: `${tag}-db` });
      later(() => net.deleteSecurityGroup(t.a, other.id));

      const ssh = await net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22,
        remoteIpPrefix: '0.0.0.0/0', description: 'ssh',
      });
      assert.deepEqual({ ...ssh, id: undefined }, {
        id: undefined, securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22,
        remoteIpPrefix: '0.0.0.0/0', remoteGroupId: null, description: 'ssh',
      });
      await assert.rejects(net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: '0.0.0.0/0',
      }), kind('Conflict'), 'the same rule (but its description) again');
      const fromDb = await net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'icmp', portRangeMin: 8, remoteGroupId: other.id,
      });
      assert.equal(fromDb.remoteGroupId, other.id);
      assert.equal(fromDb.portRangeMin, 8);
      assert.equal(fromDb.portRangeMax, null);
      await assert.rejects(net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 30, portRangeMax: 20,
      }), kind('BadRequest'));
      await assert.rejects(net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv6', remoteIpPrefix: '10.0.0.0/8',
      }), kind('BadRequest'), 'an IPv4 prefix on an IPv6 rule');
      await assert.rejects(net.createSecurityGroupRule(t.a, { securityGroupId: randomUUID(), direction: 'ingress', ethertype: 'IPv4' }), kind('NotFound'));

      const got = await net.getSecurityGroup(t.a, g.id);
      assert.deepEqual(sorted(got?.rules.map((r) => r.id) ?? []), sorted([...g.rules.map((r) => r.id), ssh.id, fromDb.id]));
      const rules = (await net.listSecurityGroupRules(t.a, { filters: { securityGroupId: [g.id], direction: ['ingress'] } })).items;
      assert.deepEqual(rules.map((r) => r.id), sorted([ssh.id, fromDb.id]));
      assert.deepEqual((await all((q) => net.listSecurityGroupRules(t.a, { ...q, filters: { securityGroupId: [g.id] } }), 1)).map((r) => r.id),
        sorted(got?.rules.map((r) => r.id) ?? []));
      assert.deepEqual((await net.listSecurityGroups(t.a, { filters: { name: [`${tag}-web`, `${tag}-db`] } })).items.map((x) => x.id), sorted([g.id, other.id]));
      await net.deleteSecurityGroupRule(t.a, ssh.id);
      await assert.rejects(net.deleteSecurityGroupRule(t.a, ssh.id), kind('NotFound'));
      // deleted, the same rule may come back
      const back = await net.createSecurityGroupRule(t.a, {
        securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: '0.0.0.0/0',
      });
      assert.notEqual(back.id, ssh.id);

      // ports with groups and allowed address pairs
      const { network } = await makeNetwork(t.a, 4);
      const p = await makePort(t.a, network.id, { securityGroupIds: [g.id], allowedAddressPairs: [{ ipAddress: '10.100.4.200' }] });
      assert.deepEqual(p.securityGroupIds, [g.id]);
      assert.deepEqual(p.allowedAddressPairs.map((a) => a.ipAddress), ['10.100.4.200']);
      await assert.rejects(net.deleteSecurityGroup(t.a, g.id), kind('InUse'));
      const moved = await net.updatePort(t.a, p.id, { securityGroupIds: [other.id], allowedAddressPairs: [{ ipAddress: '0.0.0.0/0' }] });
      assert.deepEqual(moved.securityGroupIds, [other.id]);
      assert.deepEqual(moved.allowedAddressPairs.map((a) => a.ipAddress), ['0.0.0.0/0']);
      await assert.rejects(net.createPort(t.a, { networkId: network.id, securityGroupIds: [randomUUID()] }), kind('NotFound'));

      // b cannot see or use a's groups
      assert.equal(await net.getSecurityGroup(t.b, g.id), undefined);
      assert.deepEqual((await net.listSecurityGroupRules(t.b, { filters: { securityGroupId: [g.id] } })).items, []);
      await assert.rejects(net.createSecurityGroupRule(t.b, { securityGroupId: g.id, direction: 'ingress', ethertype: 'IPv4' }), kind('NotFound'));

      // a group named as remote group goes, and the rules naming it with it
      await net.deleteSecurityGroup(t.a, g.id);
      assert.equal(await net.getSecurityGroup(t.a, g.id), undefined);
      await net.updatePort(t.a, p.id, { securityGroupIds: [] });
      await net.deleteSecurityGroup(t.a, other.id);
    });

    test('routers: interfaces, external gateway, extra routes, in use', async () => {
      const { network, subnet, host } = await makeNetwork(t.a, 5);
      const r = await net.createRouter(t.a, { name: `${tag}-router` });
      later(() => net.deleteRouter(t.a, r.id));
      assert.equal(r.name, `${tag}-router`);
      assert.equal(r.externalGateway, undefined);
      assert.deepEqual(r.routes, []);

      const iface = await net.addRouterInterface(t.a, r.id, subnet.id);
      later(() => net.removeRouterInterface(t.a, r.id, subnet.id));
      assert.equal(iface.subnetId, subnet.id);
      const port = await net.getPort(t.a, iface.portId);
      assert.equal(port?.deviceId, r.id);
      assert.deepEqual(port?.fixedIps, [{ subnetId: subnet.id, ipAddress: host(1n) }], 'the interface has the gateway address');
      assert.deepEqual((await net.listPorts(t.a, { filters: { deviceId: [r.id] } })).items.map((p) => p.id), [iface.portId]);
      await assert.rejects(net.addRouterInterface(t.a, r.id, subnet.id), kind('BadRequest'), 'a second interface on the subnet');
      await assert.rejects(net.deleteRouter(t.a, r.id), kind('InUse'));
      await assert.rejects(net.deleteSubnet(t.a, subnet.id), kind('InUse'));
      await assert.rejects(net.deleteNetwork(t.a, network.id), kind('InUse'));

      const [external] = await net.listExternalNetworks(t.a);
      assert.ok(external?.external, 'the backend has an external network');
      const withGw = await net.setRouterGateway(t.a, r.id, external.id);
      assert.equal(withGw.externalGateway?.networkId, external.id);
      assert.equal(withGw.externalGateway?.externalFixedIps.length, 1);
      await assert.rejects(net.setRouterGateway(t.a, r.id, network.id), kind('BadRequest'), 'not an external network');

      const routed = await net.setRouterRoutes(t.a, r.id, [{ destination: '172.20.0.0/16', nexthop: host(10n) }]);
      assert.deepEqual(routed.routes, [{ destination: '172.20.0.0/16', nexthop: host(10n) }]);
      assert.deepEqual((await net.getRouter(t.a, r.id))?.routes, routed.routes);
      await assert.rejects(net.setRouterRoutes(t.a, r.id, [{ destination: '172.21.0.0/16', nexthop: '192.168.77.1' }]), kind('BadRequest'), 'a nexthop off the router');
      assert.deepEqual((await net.setRouterRoutes(t.a, r.id, [])).routes, []);

      assert.deepEqual((await net.listRouters(t.a, { ids: [r.id] })).items.map((x) => x.id), [r.id]);
      assert.equal(await net.getRouter(t.b, r.id), undefined);
      await assert.rejects(net.addRouterInterface(t.b, r.id, subnet.id), kind('NotFound'));

      assert.equal((await net.setRouterGateway(t.a, r.id, null)).externalGateway, undefined);
      const removed = await net.removeRouterInterface(t.a, r.id, subnet.id);
      assert.equal(removed.portId, iface.portId);
      assert.equal(await net.getPort(t.a, iface.portId), undefined);
      await assert.rejects(net.removeRouterInterface(t.a, r.id, subnet.id), kind('NotFound'));
      await net.deleteRouter(t.a, r.id);
      assert.equal(await net.getRouter(t.a, r.id), undefined);
    });

    test('floating IPs: allocate, associate, disassociate, release', async () => {
      const { network, subnet } = await makeNetwork(t.a, 6);
      const [external] = await net.listExternalNetworks(t.a);
      const port = await makePort(t.a, network.id);
      const fip = await net.createFloatingIp(t.a, { floatingNetworkId: external.id, description: tag });
      later(() => net.deleteFloatingIp(t.a, fip.id));
      assert.equal(fip.floatingNetworkId, external.id);
      assert.equal(fip.portId, null);
      assert.equal(fip.fixedIpAddress, null);
      assert.ok(parseIp(fip.floatingIpAddress)?.version === 4, fip.floatingIpAddress);

      // no router joins the port's subnet to the external network yet
      await assert.rejects(net.updateFloatingIp(t.a, fip.id, { portId: port.id }), kind('BadRequest'));
      const r = await net.createRouter(t.a, { name: `${tag}-fip-router` });
      later(() => net.deleteRouter(t.a, r.id));
      await net.addRouterInterface(t.a, r.id, subnet.id);
      later(() => net.removeRouterInterface(t.a, r.id, subnet.id));
      await net.setRouterGateway(t.a, r.id, external.id);
      later(() => net.setRouterGateway(t.a, r.id, null));

      const associated = await net.updateFloatingIp(t.a, fip.id, { portId: port.id });
      assert.equal(associated.portId, port.id);
      assert.equal(associated.fixedIpAddress, port.fixedIps[0].ipAddress);
      assert.equal(associated.routerId, r.id);
      assert.deepEqual((await net.listFloatingIps(t.a, { filters: { portId: [port.id] } })).items.map((f) => f.id), [fip.id]);
      assert.deepEqual((await net.listFloatingIps(t.a, { filters: { floatingIpAddress: [fip.floatingIpAddress] } })).items.map((f) => f.id), [fip.id]);

      const second = await net.createFloatingIp(t.a, { floatingNetworkId: external.id });
      later(() => net.deleteFloatingIp(t.a, second.id));
      assert.notEqual(second.floatingIpAddress, fip.floatingIpAddress);
      await assert.rejects(net.updateFloatingIp(t.a, second.id, { portId: port.id }), kind('Conflict'), 'the fixed address has a floating IP');
      await assert.rejects(net.setRouterGateway(t.a, r.id, null), kind('InUse'));
      await assert.rejects(net.removeRouterInterface(t.a, r.id, subnet.id), kind('InUse'));
      assert.deepEqual(sorted((await net.listFloatingIps(t.a, { ids: [fip.id, second.id] })).items.map((f) => f.id)), sorted([fip.id, second.id]));
      assert.deepEqual((await all((q) => net.listFloatingIps(t.a, { ...q, ids: [fip.id, second.id] }), 1)).map((f) => f.id), sorted([fip.id, second.id]));

      const freed = await net.updateFloatingIp(t.a, fip.id, { portId: null });
      assert.equal(freed.portId, null);
      assert.equal(freed.fixedIpAddress, null);
      assert.equal((await net.getFloatingIp(t.a, fip.id))?.portId, null);
      // deleting a port disassociates its floating IP
      await net.updateFloatingIp(t.a, second.id, { portId: port.id });
      await net.deletePort(t.a, port.id);
      assert.equal((await net.getFloatingIp(t.a, second.id))?.portId, null);

      assert.equal(await net.getFloatingIp(t.b, fip.id), undefined);
      await assert.rejects(net.deleteFloatingIp(t.b, fip.id), kind('NotFound'));
      const address = fip.floatingIpAddress;
      await net.deleteFloatingIp(t.a, fip.id);
      assert.equal(await net.getFloatingIp(t.a, fip.id), undefined);
      await assert.rejects(net.deleteFloatingIp(t.a, fip.id), kind('NotFound'));

      // a chosen address: where the caller may choose, the released one can be had again, a taken one not
      if (t.choosesFloatingIpAddress) {
        const chosen = await net.createFloatingIp(t.a, { floatingNetworkId: external.id, floatingIpAddress: address });
        later(() => net.deleteFloatingIp(t.a, chosen.id));
        assert.equal(chosen.floatingIpAddress, address);
        await assert.rejects(net.createFloatingIp(t.b, { floatingNetworkId: external.id, floatingIpAddress: address }), kind('Conflict'));
      } else {
        await assert.rejects(net.createFloatingIp(t.a, { floatingNetworkId: external.id, floatingIpAddress: address }), kind('Forbidden'));
      }
    });

    test('floating IPs: the quota holds', async () => {
      let have = 0;
      await t.withQuotas({ instances: 20, floatingIps: 100, volumes: 100, gigabytes: 1000, snapshots: 100 },
        async (provider, ctx) => { have = (await provider.network.listFloatingIps(ctx)).items.length; });
      await t.withQuotas({ instances: 20, floatingIps: have + 1, volumes: 100, gigabytes: 1000, snapshots: 100 }, async (provider, ctx) => {
        const [external] = await provider.network.listExternalNetworks(ctx);
        const one = await provider.network.createFloatingIp(ctx, { floatingNetworkId: external.id });
        later(() => provider.network.deleteFloatingIp(ctx, one.id));
        await assert.rejects(provider.network.createFloatingIp(ctx, { floatingNetworkId: external.id }), kind('QuotaExceeded'));
        await provider.network.deleteFloatingIp(ctx, one.id);
      });
    });
  });
}
