/** The embedded cloud's Keystone: every AWS region name is a region of its own. */
import { AWS_REGIONS } from '../../kit/aws-regions.js';
import type { IdentityService } from '../provider.js';

export function localIdentity(): IdentityService {
  return {
    async listRegions() {
      return { mode: 'open', regions: AWS_REGIONS.map((r) => ({ name: r.name })) };
    },
  };
}
