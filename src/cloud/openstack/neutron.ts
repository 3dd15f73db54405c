/** Neutron: quotas. */
import type { NetworkService } from '../provider.js';
import type { ServiceCaller } from './catalog.js';

export function neutronNetwork(call: ServiceCaller): NetworkService {
  return {
    async getQuotas(ctx) {
      const res = await call<{ quota: { floatingip: number; security_group: number; security_group_rule: number; port: number } }>(ctx, { method: 'GET', path: `/quotas/${ctx.projectId}` });
      const q = res.body.quota;
      return { floatingIps: q.floatingip, securityGroups: q.security_group, securityGroupRules: q.security_group_rule, ports: q.port };
    },
  };
}
