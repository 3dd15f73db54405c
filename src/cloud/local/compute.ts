/**
 * The embedded cloud's Nova: key pairs (in local_key_pairs), zones and quotas
 * (from the [local] configuration). Every AWS region has the configured zones.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { parsePublicKey } from '../../kit/key-material.js';
import { isUniqueViolation } from '../../store/sql.js';
import { ProviderError } from '../errors.js';
import { checkQuery, markerNotFound, pageOf } from '../paging.js';
import type { CloudContext, ComputeService } from '../provider.js';
import type { KeyPairRecord, ServerGroupRecord } from '../records.js';
import type { LocalCloudDatabase, LocalKeyPairsTable, LocalServerGroupsTable } from './schema.js';
import { unimplemented } from '../unimplemented.js';

const MAX_KEY_PAIRS = 5000; // AWS's per-region key pair quota

const toRecord = (r: LocalKeyPairsTable): KeyPairRecord => ({
  name: r.name, publicKey: r.public_key, type: 'ssh', createdAt: new Date(r.created_at),
});

const SERVER_GROUP_POLICIES: readonly string[] = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'];

const toGroupRecord = (r: LocalServerGroupsTable, memberIds: string[]): ServerGroupRecord => ({
  id: r.id, name: r.name, policy: r.policy as ServerGroupRecord['policy'], memberIds, projectId: r.project_id,
});

export function localCompute(db: Kysely<LocalCloudDatabase>, config: Config): ComputeService {
  const keys = (ctx: CloudContext) =>
    db.selectFrom('local_key_pairs').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);

  const groups = (ctx: CloudContext) =>
    db.selectFrom('local_server_groups').selectAll().where('project_id', '=', ctx.projectId).where('region', '=', ctx.region);
  /** The groups with their members, in one query for the members. */
  const withMembers = async (rows: LocalServerGroupsTable[]) => {
    if (rows.length === 0) return [];
    const members = await db.selectFrom('local_server_group_members').selectAll()
      .where('group_id', 'in', rows.map((r) => r.id)).orderBy('server_id').execute();
    return rows.map((r) => toGroupRecord(r, members.filter((m) => m.group_id === r.id).map((m) => m.server_id)));
  };

  return {
    // Server groups: Nova's os-server-groups, names not unique (as in Nova), listed in id order.
    async createServerGroup(ctx, group) {
      if (!SERVER_GROUP_POLICIES.includes(group.policy)) throw new ProviderError('BadRequest', `Invalid input: '${group.policy}' is not one of ${SERVER_GROUP_POLICIES.join(', ')}`);
      if (group.name.length === 0 || group.name.length > 255) throw new ProviderError('BadRequest', 'Invalid input for field/attribute name');
      const row = { id: randomUUID(), project_id: ctx.projectId, region: ctx.region, name: group.name, policy: group.policy, created_at: new Date().toISOString() };
      await db.insertInto('local_server_groups').values(row).execute();
      return toGroupRecord(row, []);
    },
    async getServerGroup(ctx, id) {
      const r = await groups(ctx).where('id', '=', id).executeTakeFirst();
      return r && (await withMembers([r]))[0];
    },
    async listServerGroups(ctx) {
      return withMembers(await groups(ctx).orderBy('id').execute());
    },
    async deleteServerGroup(ctx, id) {
      const r = await db.deleteFrom('local_server_groups')
        .where('project_id', '=', ctx.projectId).where('region', '=', ctx.region).where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new ProviderError('NotFound', `Server group ${id} could not be found.`);
      // Nova deletes a group with members: the servers stay, outside any group.
      await db.deleteFrom('local_server_group_members').where('group_id', '=', id).execute();
    },
    async listKeyPairs(ctx, query = {}) {
      checkQuery(query);
      if (query.ids?.length === 0) return { items: [] };
      let q = keys(ctx);
      if (query.ids) q = q.where('name', 'in', query.ids);
      if (query.marker !== undefined) {
        const m = await keys(ctx).where('name', '=', query.marker).executeTakeFirst();
        if (!m) throw markerNotFound(query.marker);
        q = q.where('name', '>', m.name);
      }
      q = q.orderBy('name');
      if (query.limit !== undefined) q = q.limit(query.limit + 1);
      return pageOf((await q.execute()).map(toRecord), query.limit, (k) => k.name);
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
    ...unimplemented('listFlavors', 'createServer', 'getServer', 'listServers', 'deleteServer', 'startServer', 'stopServer', 'rebootServer', 'resizeServer', 'updateServerMetadata', 'getConsoleOutput', 'getServerPassword', 'createServerImage', 'attachVolume', 'detachVolume'),
  };
}
