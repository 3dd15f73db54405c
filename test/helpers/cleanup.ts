/**
 * Per-run names and cleanup for suites that also run on a persistent cloud (OpenStack keeps
 * the demo/alt projects' Nova key pairs between runs): every key name a suite makes contains
 * its run id, and after() deletes what still matches it.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteInternetGatewayCommand, DeleteKeyPairCommand, DeleteNetworkInterfaceCommand, DeleteRouteTableCommand,
  DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeAddressesCommand, DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand, DescribeVpcsCommand, DetachInternetGatewayCommand, DetachNetworkInterfaceCommand,
  DisassociateAddressCommand, DisassociateRouteTableCommand, type EC2Client, ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { ResourcesRepo } from '../../src/store/resources.js';

/** A short random id for this run, to put in every name the suite creates. */
export const newRunId = () => randomBytes(3).toString('hex');

/** Deletes, through each client, every key pair whose name contains `run`. */
export async function deleteRunKeyPairs(clients: EC2Client[], run: string): Promise<void> {
  for (const client of clients) {
    const { KeyPairs } = await client.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [`*${run}*`] }] }));
    for (const k of KeyPairs ?? []) {
      await client.send(new DeleteKeyPairCommand({ KeyPairId: k.KeyPairId })).catch(() => undefined);
    }
  }
}

/**
 * Ids of the objects this test process created (not those it mapped on first sight): on the shared test cloud,
 * other suites' objects appear in this server's Describes too, and its cleanup must leave them alone.
 */
export const createdHere = new Set<string>();
for (const method of ['create', 'createOwn'] as const) {
  const original = ResourcesRepo.prototype[method] as (...a: unknown[]) => Promise<{ id: string }>;
  (ResourcesRepo.prototype as unknown as Record<string, unknown>)[method] = async function (this: ResourcesRepo, ...a: unknown[]) {
    const made = await original.apply(this, a);
    createdHere.add(made.id);
    return made;
  };
}

/**
 * Deletes, through the client, every VPC object its project has in the service's store (OpenStack keeps the
 * Neutron objects behind them between runs): addresses, interfaces, groups, route tables, gateways, subnets,
 * VPCs, in dependency order. Errors are ignored: what cannot be deleted is left for the next run's quota.
 */
export async function deleteVpcObjects(client: EC2Client, only: ReadonlySet<string> = createdHere): Promise<void> {
  const quiet = async <T>(p: Promise<T>) => p.catch(() => undefined);
  const mine = (id: string | undefined) => id !== undefined && only.has(id);
  const out = await quiet(client.send(new DescribeAddressesCommand({})));
  for (const a of (out?.Addresses ?? []).filter((x) => mine(x.AllocationId))) {
    if (a.AssociationId) await quiet(client.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId })));
    await quiet(client.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId })));
  }
  for (const n of ((await quiet(client.send(new DescribeNetworkInterfacesCommand({}))))?.NetworkInterfaces ?? []).filter((x) => mine(x.NetworkInterfaceId))) {
    if (n.Attachment?.AttachmentId) await quiet(client.send(new DetachNetworkInterfaceCommand({ AttachmentId: n.Attachment.AttachmentId, Force: true })));
    await quiet(client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: n.NetworkInterfaceId })));
  }
  for (const g of ((await quiet(client.send(new DescribeSecurityGroupsCommand({}))))?.SecurityGroups ?? []).filter((x) => mine(x.GroupId))) {
    if (g.GroupName !== 'default') await quiet(client.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId })));
  }
  for (const t of ((await quiet(client.send(new DescribeRouteTablesCommand({}))))?.RouteTables ?? []).filter((x) => mine(x.RouteTableId))) {
    if (t.Associations?.some((x) => x.Main)) continue;
    for (const x of t.Associations ?? []) await quiet(client.send(new DisassociateRouteTableCommand({ AssociationId: x.RouteTableAssociationId })));
    await quiet(client.send(new DeleteRouteTableCommand({ RouteTableId: t.RouteTableId })));
  }
  for (const g of ((await quiet(client.send(new DescribeInternetGatewaysCommand({}))))?.InternetGateways ?? []).filter((x) => mine(x.InternetGatewayId))) {
    for (const a of g.Attachments ?? []) await quiet(client.send(new DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: a.VpcId })));
    await quiet(client.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId })));
  }
  for (const s of ((await quiet(client.send(new DescribeSubnetsCommand({}))))?.Subnets ?? []).filter((x) => mine(x.SubnetId))) {
    await quiet(client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId })));
  }
  for (const v of ((await quiet(client.send(new DescribeVpcsCommand({}))))?.Vpcs ?? []).filter((x) => mine(x.VpcId))) {
    await quiet(client.send(new DeleteVpcCommand({ VpcId: v.VpcId })));
  }
}

/** Deletes, through each client, the default VPC the server made on first use and everything else of its VPCs. */
export async function deleteDefaultVpcs(clients: EC2Client[]): Promise<void> {
  for (const client of clients) await deleteVpcObjects(client);
}
