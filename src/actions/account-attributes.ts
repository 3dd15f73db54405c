/** DescribeAccountAttributes, from the project's compute and network quotas. */
import type { AccountAttribute } from '@aws-sdk/client-ec2';
import { ERRORS } from '../errors/catalog.js';
import { defineAction } from './registry.js';
import { findDefaultVpc } from './subnets.js';
import { ensureDefaultVpc } from './vpcs.js';

const NAMES = [
  'supported-platforms', 'default-vpc', 'max-instances', 'max-elastic-ips', 'vpc-max-elastic-ips',
  'vpc-max-security-groups-per-interface',
] as const;

const quota = (n: number) => (n < 0 ? 'unlimited' : String(n));

defineAction('DescribeAccountAttributes', {
  supports: ['AttributeNames'],
  async handler(ctx, input) {
    const wanted = input.AttributeNames?.length ? input.AttributeNames : [...NAMES];
    wanted.forEach((name, i) => {
      if (!(NAMES as readonly string[]).includes(name)) {
        throw ERRORS.invalidParameterValue(`AttributeName.${i + 1}`, name, `Valid values: ${NAMES.join(', ')}`);
      }
    });
    const needsCompute = wanted.includes('max-instances');
    const needsNetwork = wanted.some((n) => n.includes('elastic-ips'));
    let defaultVpc = 'none';
    if (wanted.includes('default-vpc')) {
      await ensureDefaultVpc(ctx);
      defaultVpc = (await findDefaultVpc(ctx))?.id ?? 'none';
    }
    const [compute, network] = await Promise.all([
      needsCompute ? ctx.cloud.compute.getQuotas(ctx.cloudCtx) : undefined,
      needsNetwork ? ctx.cloud.network.getQuotas(ctx.cloudCtx) : undefined,
    ]);
    const values: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [defaultVpc],
      'max-instances': [quota(compute?.instances ?? 0)],
      'max-elastic-ips': [quota(network?.floatingIps ?? 0)],
      'vpc-max-elastic-ips': [quota(network?.floatingIps ?? 0)],
      'vpc-max-security-groups-per-interface': [String(ctx.config.local.max_security_groups_per_interface)],
    };
    const AccountAttributes: AccountAttribute[] = [...new Set(wanted)].map((name) => ({
      AttributeName: name,
      AttributeValues: values[name].map((AttributeValue) => ({ AttributeValue })),
    }));
    return { AccountAttributes };
  },
});
