/**
 * The embedded cloud: OpenStack's primitives kept in the service's own database,
 * so one command gives a working EC2 endpoint. Every AWS region name is a region
 * of its own; each has the configured zones.
 */
import type { Config } from '../../config/config.js';
import { AWS_REGIONS } from '../../kit/aws-regions.js';
import { parsePublicKey } from '../../kit/key-material.js';
import { isUniqueViolation, type Store } from '../../store/store.js';
import { ProviderError } from '../errors.js';
import type { CloudContext, CloudProvider, ComputeService, IdentityService, NetworkService } from '../provider.js';
import type { KeyPairRecord } from '../records.js';

const MAX_KEY_PAIRS = 5000; // AWS's per-region key pair quota


export function createLocalProvider(store: Store, config: Config): CloudProvider {
  const db = store.db;
  const toRecord = (r: { name: string; public_key: string; created_at: string }): KeyPairRecord => ({
    name: r.name, publicKey: r.public_key, type: 'ssh', createdAt: new Date(r.created_at),
  });
  const keys = (ctx: CloudContext) =>
    db.selectFrom('local_key_pairs').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);

  const compute: ComputeService = {
    async listKeyPairs(ctx) {
      return (await keys(ctx).orderBy('name').execute()).map(toRecord);
    },
    async getKeyPair(ctx, name) {
      const r = await keys(ctx).where('name', '=', name).executeTakeFirst();
      return r && toRecord(r);
    },
    async importKeyPair(ctx, name, publicKey) {
      try {
        parsePublicKey(publicKey, { allowEcdsa: true }); // Nova refuses what it cannot parse
      } catch {
        throw new ProviderError('BadRequest', 'Keypair data is invalid: failed to generate fingerprint');
      }
      const { count } = await db.selectFrom('local_key_pairs').select((eb) => eb.fn.countAll<number>().as('count'))
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).executeTakeFirstOrThrow();
      if (Number(count) >= MAX_KEY_PAIRS) throw new ProviderError('QuotaExceeded', 'Quota exceeded: key pairs');
      const row = { project_id: ctx.projectId, region: ctx.region, name, public_key: publicKey, created_at: new Date().toISOString() };
      try {
        await db.insertInto('local_key_pairs').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new ProviderError('Conflict', `Key pair '${name}' already exists`);
        throw e;
      }
      return toRecord(row);
    },
    async deleteKeyPair(ctx, name) {
      const r = await db.deleteFrom('local_key_pairs')
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).where('name', '=', name).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new ProviderError('NotFound', `Key pair '${name}' not found`);
    },
    async listAvailabilityZones(ctx) {
      return config.local.availability_zones.map((suffix) => ({ name: `${ctx.region}${suffix}`, available: true }));
    },
    async getQuotas() {
      return { instances: config.local.max_instances, cores: -1, ramMb: -1, keyPairs: MAX_KEY_PAIRS };
    },
  };

  const network: NetworkService = {
    async getQuotas() {
      return { floatingIps: config.local.max_elastic_ips, securityGroups: 2500, securityGroupRules: 60, ports: -1 };
    },
  };

  const identity: IdentityService = {
    async listRegions() {
      return { mode: 'open', regions: AWS_REGIONS.map((r) => ({ name: r.name })) };
    },
  };

  return { name: 'local', compute, network, identity, close: async () => {} };
}
