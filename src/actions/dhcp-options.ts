/**
 * DHCP option sets: CreateDhcpOptions, DeleteDhcpOptions, DescribeDhcpOptions, AssociateDhcpOptions. A set lives
 * in the store; a VPC names its set in VpcAttrs.dhcpOptionsId ('default': AWS's "no options", the cloud's own DNS).
 * Realized upstream where Neutron has a place: the domain-name-servers of a VPC's set become the dns_nameservers
 * of its subnets (only that VPC's, IPv4 servers on IPv4 subnets; AmazonProvidedDNS: the cloud's resolver, i.e.
 * none set). The other options (domain-name, NTP, NetBIOS, IPv6 lease time) are kept and shown, not realized.
 */
import type { DhcpOptions } from '@aws-sdk/client-ec2';
import { ec2Error, ERRORS } from '../errors/catalog.js';
import { Ec2Error } from '../errors/ec2-error.js';
import type { FilterTable } from '../kit/filters.js';
import { canonicalIp, parseIp } from '../kit/ip.js';
import { tagSet, tagsFromSpecifications, writeCreateTags } from '../kit/tags.js';
import { type DescribeSpec, describe } from '../resources/describe.js';
import { newId } from '../resources/ids.js';
import { requireResource, resourcesWhere } from '../resources/lookup.js';
import { createWithUndo } from '../resources/undo.js';
import type { DhcpConfiguration, DhcpOptionsAttrs, SubnetAttrs, VpcAttrs } from '../vpc/model.js';
import { loadOwnViews, type OwnView } from '../vpc/views.js';
import type { ActionContext } from './context.js';
import { defineAction } from './registry.js';

type DoptView = OwnView<DhcpOptionsAttrs>;

const AMAZON_DNS = 'AmazonProvidedDNS';
const MAX_SERVERS = 4;

const invalidValue = (value: string, reason: string) =>
  new Ec2Error('InvalidParameterValue', `Value (${value}) for parameter value is invalid. ${reason}`);

/** AWS's rules for each option: which keys exist, how many values, of what form. */
function validateConfiguration(c: { Key?: string; Values?: string[] }, i: number): DhcpConfiguration {
  const at = `DhcpConfiguration.${i + 1}`;
  if (c.Key === undefined || c.Key === '') throw ERRORS.missingParameter(`${at}.Key`);
  const values = c.Values ?? [];
  if (values.length === 0) throw ERRORS.missingParameter(`${at}.Value`);
  const servers = (allowAmazon: boolean) => {
    if (values.length > MAX_SERVERS) throw invalidValue(values.join(','), `A maximum of ${MAX_SERVERS} servers can be given for ${c.Key}.`);
    return values.map((v) => {
      if (allowAmazon && v === AMAZON_DNS) return v;
      const ip = canonicalIp(v);
      if (!ip) throw invalidValue(v, `It is not a valid IP address${allowAmazon ? ` or ${AMAZON_DNS}` : ''}.`);
      return ip;
    });
  };
  const single = () => {
    if (values.length > 1) throw invalidValue(values.join(','), `Only one value is allowed for ${c.Key}.`);
    return values[0];
  };
  switch (c.Key) {
    case 'domain-name-servers':
      return { key: c.Key, values: servers(true) };
    case 'ntp-servers':
    case 'netbios-name-servers':
      return { key: c.Key, values: servers(false).map((v) => {
        if (c.Key === 'netbios-name-servers' && parseIp(v)?.version !== 4) throw invalidValue(v, 'NetBIOS name servers are IPv4 addresses.');
        return v;
      }) };
    case 'domain-name': {
      const v = single();
      if (v.length > 255 || !/^[A-Za-z0-9.\- ]+$/.test(v)) throw invalidValue(v, 'It is not a valid domain name.');
      return { key: c.Key, values: [v] };
    }
    case 'netbios-node-type': {
      const v = single();
      if (!['1', '2', '4', '8'].includes(v)) throw invalidValue(v, 'Valid values: 1, 2, 4, 8.');
      return { key: c.Key, values: [v] };
    }
    case 'ipv6-address-preferred-lease-time': {
      const v = single();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 140 || n > 2147483647) throw invalidValue(v, 'It must be a number of seconds from 140 to 2147483647.');
      return { key: c.Key, values: [v] };
    }
    default:
      throw new Ec2Error('InvalidParameterValue', `Value (${c.Key}) for parameter name is invalid. Unknown DHCP option`);
  }
}

export function presentDhcpOptions(v: DoptView): DhcpOptions {
  return {
    DhcpConfigurations: v.resource.attrs.configurations.map((c) => ({ Key: c.key, Values: c.values.map((Value) => ({ Value })) })),
    DhcpOptionsId: v.resource.id,
    OwnerId: v.ownerId,
    Tags: tagSet(v.tags),
  };
}

const doptFilters: FilterTable<DoptView> = {
  'dhcp-options-id': (v) => v.resource.id,
  key: (v) => v.resource.attrs.configurations.map((c) => c.key),
  value: (v) => v.resource.attrs.configurations.flatMap((c) => c.values),
  'owner-id': (v) => v.ownerId,
};

export const dhcpOptionsSpec: DescribeSpec<DoptView> = {
  kind: 'dhcp-options',
  action: 'DescribeDhcpOptions',
  idParam: 'DhcpOptionsId',
  id: (v) => v.resource.id,
  filters: doptFilters,
  tags: (v) => v.tags,
  paging: { min: 5, max: 1000 },
  load: (ctx, q) => loadOwnViews<DhcpOptionsAttrs>(ctx, 'dhcp-options', q.ids),
};

/**
 * The dns_nameservers a subnet of a VPC gets from the VPC's option set ('default' or AmazonProvidedDNS: none, the
 * cloud's resolver). For CreateSubnet too, so a new subnet of a VPC with custom servers gets them.
 */
export async function dnsNameserversOf(ctx: ActionContext, dhcpOptionsId: string, ipVersion: 4 | 6 = 4): Promise<string[]> {
  if (dhcpOptionsId === 'default') return [];
  const set = await ctx.store.resources.find<DhcpOptionsAttrs>(ctx.projectId, ctx.region, dhcpOptionsId);
  return nameserversIn(set?.attrs.configurations ?? [], ipVersion);
}

function nameserversIn(configurations: DhcpConfiguration[], ipVersion: 4 | 6): string[] {
  const servers = configurations.find((c) => c.key === 'domain-name-servers')?.values ?? [];
  if (servers.includes(AMAZON_DNS)) return [];
  return servers.filter((s) => parseIp(s)?.version === ipVersion);
}

defineAction('CreateDhcpOptions', {
  supports: ['DhcpConfigurations', 'TagSpecifications'],
  async handler(ctx, input) {
    const given = input.DhcpConfigurations ?? [];
    if (given.length === 0) throw ERRORS.missingParameter('DhcpConfiguration');
    const configurations = given.map(validateConfiguration);
    const keys = configurations.map((c) => c.key);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) throw new Ec2Error('InvalidParameterValue', `Value (${dup}) for parameter name is invalid. The option is given more than once.`);
    const tags = tagsFromSpecifications(input.TagSpecifications, ['dhcp-options']).get('dhcp-options') ?? [];
    const view = await ctx.store.transaction(async (tx) => {
      const resource = await tx.resources.createOwn<DhcpOptionsAttrs>(ctx.projectId, ctx.region, 'dhcp-options', { configurations }, newId('dhcp-options'));
      await writeCreateTags(tx, ctx.projectId, resource.id, tags);
      return { resource, tags, ownerId: ctx.principal.ownerId };
    });
    return { DhcpOptions: presentDhcpOptions(view) };
  },
});

defineAction('DeleteDhcpOptions', {
  supports: ['DhcpOptionsId'],
  async handler(ctx, input) {
    await ctx.store.transaction(async (tx) => {
      const set = await requireResource<DhcpOptionsAttrs>(ctx, 'dhcp-options', input.DhcpOptionsId, 'DhcpOptionsId', tx);
      const users = await resourcesWhere<VpcAttrs>(ctx, 'vpc', { dhcpOptionsId: set.id }, tx);
      if (users.length) throw ec2Error('DependencyViolation', `The dhcpOptions '${set.id}' has dependencies and cannot be deleted.`);
      await tx.resources.delete(ctx.projectId, [set.id]);
    });
    return {};
  },
});

defineAction('DescribeDhcpOptions', {
  supports: ['DhcpOptionsIds', 'Filters', 'MaxResults', 'NextToken'],
  async handler(ctx, input) {
    const { items, nextToken } = await describe(ctx, dhcpOptionsSpec, {
      ids: input.DhcpOptionsIds, Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken,
    });
    return { DhcpOptions: items.map(presentDhcpOptions), NextToken: nextToken };
  },
});

defineAction('AssociateDhcpOptions', {
  supports: ['DhcpOptionsId', 'VpcId'],
  async handler(ctx, input) {
    const vpc = await requireResource<VpcAttrs>(ctx, 'vpc', input.VpcId, 'VpcId');
    const setId = input.DhcpOptionsId === 'default' ? 'default'
      : (await requireResource<DhcpOptionsAttrs>(ctx, 'dhcp-options', input.DhcpOptionsId, 'DhcpOptionsId')).id;
    const before = await dnsNameserversOf(ctx, vpc.attrs.dhcpOptionsId);
    const after = await dnsNameserversOf(ctx, setId);
    const subnets = await resourcesWhere<SubnetAttrs>(ctx, 'subnet', { vpcId: vpc.id });
    const net = ctx.cloud.network;
    await createWithUndo(ctx, async (undo) => {
      if (before.join(',') !== after.join(',')) {
        for (const subnet of subnets) {
          await undo.step(`dns nameservers of ${subnet.id}`, () => net.updateSubnet(ctx.cloudCtx, subnet.osId, { dnsNameservers: after }),
            () => net.updateSubnet(undo.cloudCtx, subnet.osId, { dnsNameservers: before }));
        }
      }
      await ctx.store.transaction(async (tx) => {
        const current = await requireResource<VpcAttrs>(ctx, 'vpc', vpc.id, 'VpcId', tx);
        if (setId !== 'default' && !(await tx.resources.find(ctx.projectId, ctx.region, setId))) throw ERRORS.idNotFound('dhcp-options', [setId]);
        await tx.resources.updateAttrs(ctx.projectId, vpc.id, { ...current.attrs, dhcpOptionsId: setId } satisfies VpcAttrs);
      });
    });
    return {};
  },
});
