/** The embedded cloud's Neutron: quotas, from the [local] configuration and AWS's defaults. */
import type { Config } from '../../config/config.js';
import type { NetworkService } from '../provider.js';

export function localNetwork(config: Config): NetworkService {
  return {
    async getQuotas() {
      return { floatingIps: config.local.max_elastic_ips, securityGroups: 2500, securityGroupRules: 60, ports: -1 };
    },
  };
}
