/**
 * A server killed with SIGKILL in the middle of a create load comes back with every acknowledged object and
 * nothing half-made: each VPC it shows has its main route table, default security group and default network
 * ACL (one store transaction per create), each subnet lies in a VPC it shows, and no id was handed out twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  CreateSubnetCommand, CreateVpcCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { cleanEnv, freePort, live, spawnNode, stop, waitReady } from '../helpers/processes.js';

const clients: EC2Client[] = [];
after(() => {
  for (const p of live) p.kill('SIGKILL');
  for (const c of clients) c.destroy();
});

test('SIGKILL during parallel CreateVpc/CreateSubnet: every acknowledged object survives, none is half-made', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-kill-'));
  const port = await freePort();
  const env = cleanEnv({
    EC2API_DATA_DIR: dataDir, EC2API_PORT: String(port), EC2API_METADATA_PORT: String(await freePort()),
    EC2API_S3_PORT: String(await freePort()), EC2API_MAX_VPCS: '10000', EC2API_WORKERS: '2', EC2API_METADATA_WORKERS: '1', EC2API_S3_WORKERS: '1',
  });
  let server = spawnNode('src/bin/ec2-api-all.ts', env);
  await waitReady(server, port);
  const cred = Object.fromEntries([...readFileSync(join(dataDir, 'credentials'), 'utf8').matchAll(/^(aws_\w+)\s*=\s*(\S+)$/gm)].map((m) => [m[1], m[2]]));
  const client = () => {
    const c = new EC2Client({
      endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: cred.aws_access_key_id, secretAccessKey: cred.aws_secret_access_key },
    });
    clients.push(c);
    return c;
  };
  const ec2 = client();

  const vpcs: string[] = [];
  const subnets: { id: string; vpcId: string }[] = [];
  let n = 0;
  let killed = false;
  const worker = async () => {
    while (!killed) {
      const i = n++;
      try {
        const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${i % 256}.0.0/16` }))).Vpc?.VpcId as string;
        vpcs.push(vpcId);
        const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${i % 256}.${i % 200}.0/24` }))).Subnet?.SubnetId as string;
        subnets.push({ id: subnetId, vpcId });
      } catch {
        // Requests in flight when the server dies fail: they were not acknowledged.
      }
    }
  };
  const load = Promise.all(Array.from({ length: 8 }, worker));
  await new Promise((r) => setTimeout(r, 3000));
  const acknowledged = { vpcs: [...vpcs], subnets: [...subnets] };
  await stop(server, 'SIGKILL');
  killed = true;
  await load;
  assert.ok(acknowledged.vpcs.length > 0, 'some creates were acknowledged before the kill');

  server = spawnNode('src/bin/ec2-api-all.ts', env);
  await waitReady(server, port);
  const after = client();
  const shown = (await after.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const shownIds = new Set(shown.map((v) => v.VpcId));
  assert.equal(shownIds.size, shown.length, 'no VPC id twice');
  for (const id of acknowledged.vpcs) assert.ok(shownIds.has(id), `acknowledged ${id} is kept`);
  const tables = (await after.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }] }))).RouteTables ?? [];
  const groups = (await after.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }))).SecurityGroups ?? [];
  const acls = (await after.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }))).NetworkAcls ?? [];
  for (const v of shown) {
    assert.equal(v.State, 'available');
    assert.ok(v.CidrBlockAssociationSet?.length, `${v.VpcId} is whole`);
    assert.equal(tables.filter((t) => t.VpcId === v.VpcId).length, 1, `${v.VpcId} has its main route table`);
    assert.equal(groups.filter((g) => g.VpcId === v.VpcId).length, 1, `${v.VpcId} has its default security group`);
    assert.equal(acls.filter((a) => a.VpcId === v.VpcId).length, 1, `${v.VpcId} has its default network ACL`);
  }
  const shownSubnets = (await after.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  for (const s of acknowledged.subnets) assert.ok(shownSubnets.some((x) => x.SubnetId === s.id && x.VpcId === s.vpcId), `acknowledged ${s.id} is kept`);
  for (const s of shownSubnets) assert.ok(shownIds.has(s.VpcId), `${s.SubnetId} lies in a VPC that exists`);
  await stop(server);
});
