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
 * Deletes, through the client, every VPC object its project has in the service's store (OpenStack keeps the
 * Neutron objects behind them between runs): addresses, interfaces, groups, route tables, gateways, subnets,
 * VPCs, in dependency order. Errors are ignored: what cannot be deleted is left for the next run's quota.
 */
export async function deleteVpcObjects(client: EC2Client): Promise<void> {
  const quiet = async <T>(p: Promise<T>) => p.catch(() => undefined);
  const out = await quiet(client.send(new DescribeAddressesCommand({})));
  for (const a of out?.Addresses ?? []) {
    if (a.AssociationId) await quiet(client.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId })));
    await quiet(client.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId })));
  }
  for (const n of (await quiet(client.send(new DescribeNetworkInterfacesCommand({}))))?.NetworkInterfaces ?? []) {
    if (n.Attachment?.AttachmentId) await quiet(client.send(new DetachNetworkInterfaceCommand({ AttachmentId: n.Attachment.AttachmentId, Force: true })));
    await quiet(client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: n.NetworkInterfaceId })));
  }
  for (const g of (await quiet(client.send(new DescribeSecurityGroupsCommand({}))))?.SecurityGroups ?? []) {
    if (g.GroupName !== 'default') await quiet(client.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId })));
  }
  for (const t of (await quiet(client.send(new DescribeRouteTablesCommand({}))))?.RouteTables ?? []) {
    if (t.Associations?.some((x) => x.Main)) continue;
    for (const x of t.Associations ?? []) await quiet(client.send(new DisassociateRouteTableCommand({ AssociationId: x.RouteTableAssociationId })));
    await quiet(client.send(new DeleteRouteTableCommand({ RouteTableId: t.RouteTableId })));
  }
  for (const g of (await quiet(client.send(new DescribeInternetGatewaysCommand({}))))?.InternetGateways ?? []) {
    for (const a of g.Attachments ?? []) await quiet(client.send(new DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: a.VpcId })));
    await quiet(client.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId })));
  }
  for (const s of (await quiet(client.send(new DescribeSubnetsCommand({}))))?.Subnets ?? []) {
    await quiet(client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId })));
  }
  for (const v of (await quiet(client.send(new DescribeVpcsCommand({}))))?.Vpcs ?? []) {
    await quiet(client.send(new DeleteVpcCommand({ VpcId: v.VpcId })));
  }
}

/** Deletes, through each client, the default VPC the server made on first use and everything else of its VPCs. */
export async function deleteDefaultVpcs(clients: EC2Client[]): Promise<void> {
  for (const client of clients) await deleteVpcObjects(client);
}
