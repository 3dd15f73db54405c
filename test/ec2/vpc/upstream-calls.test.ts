/**
 * Every Describe of the VPC API makes a small constant number of upstream calls, whatever the number of
 * objects: counted by the service itself (ec2api_upstream_calls_per_request in /metrics) on the OpenStack
 * backend, for one set of objects and again for four.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSubnetCommand, CreateVpcCommand, DescribeDhcpOptionsCommand, DescribeInternetGatewaysCommand, DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import { startTestServer, TEST_BACKEND, type TestServer } from '../../helpers/server.js';

const LOCAL = TEST_BACKEND === 'local' && 'the embedded cloud makes no upstream HTTP calls: counted on the OpenStack backend';

let s: TestServer;
let ec2: EC2Client;
before(async () => {
  s = await startTestServer({ EC2API_MAX_VPCS: '20' });
  ec2 = s.client();
});
after(() => s.close());

/** Upstream calls the last request of `action` made, from the histogram's sum. */
async function sumOf(action: string): Promise<number> {
  const text = await (await fetch(`${s.endpoint}/metrics`)).text();
  const m = new RegExp(`^ec2api_upstream_calls_per_request_sum\\{action="${action}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
async function callsOf(action: string, send: () => Promise<unknown>): Promise<number> {
  const before = await sumOf(action);
  await send();
  return (await sumOf(action)) - before;
}

const DESCRIBES: [string, () => Promise<unknown>][] = [
  ['DescribeVpcs', () => ec2.send(new DescribeVpcsCommand({}))],
  ['DescribeSubnets', () => ec2.send(new DescribeSubnetsCommand({}))],
  ['DescribeRouteTables', () => ec2.send(new DescribeRouteTablesCommand({}))],
  ['DescribeNetworkAcls', () => ec2.send(new DescribeNetworkAclsCommand({}))],
  ['DescribeInternetGateways', () => ec2.send(new DescribeInternetGatewaysCommand({}))],
  ['DescribeDhcpOptions', () => ec2.send(new DescribeDhcpOptionsCommand({}))],
];

async function makeSets(from: number, to: number) {
  for (let i = from; i < to; i++) {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${60 + i}.0.0/16` }))).Vpc?.VpcId;
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${60 + i}.1.0/24` }));
  }
}

test('Describes make the same small number of upstream calls for 1 and for 4 objects of each kind', { skip: LOCAL }, async () => {
  await makeSets(0, 1);
  const one = new Map<string, number>();
  for (const [action, send] of DESCRIBES) one.set(action, await callsOf(action, send));
  await makeSets(1, 4);
  for (const [action, send] of DESCRIBES) {
    const four = await callsOf(action, send);
    assert.equal(four, one.get(action), `${action}: ${one.get(action)} upstream calls for one object, ${four} for four`);
    assert.ok(four <= 3, `${action} makes ${four} upstream calls`);
  }
});
