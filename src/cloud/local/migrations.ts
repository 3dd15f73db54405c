/**
 * The embedded cloud's schema, migrated apart from the EC2 store: its own Kysely
 * Migrator with its own migration tables, run when the local provider opens.
 * Kysely's migration lock (MySQL GET_LOCK, PostgreSQL advisory lock; SQLite: the
 * store's BEGIN IMMEDIATE transactions) lets several processes start at once.
 * Never edit a released migration: add the next one.
 *
 * `local_key_pairs` was first created by the store's released migration 0001,
 * which creates it unconditionally: on a fresh database the store migrates
 * first, and this schema's first migration adopts the table (and its rows).
 */
import { type Kysely, type Migration, Migrator } from 'kysely';
import { binaryCollation } from '../../store/sql.js';

const ts = 'varchar(32)';

export const LOCAL_CLOUD_MIGRATIONS: Record<string, Migration> = {
  '0001_key_pairs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('local_key_pairs')
        .ifNotExists()
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('local_key_pairs_pk', ['project_id', 'region', 'name'])
        .execute();
      await binaryCollation(db, ['local_key_pairs']);
    },
  },
  '0002_images': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('local_images')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('owner', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('visibility', 'varchar(16)', (c) => c.notNull())
        .addColumn('disk_format', 'varchar(32)')
        .addColumn('container_format', 'varchar(32)')
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await binaryCollation(db, ['local_images']);
      await db.schema.createIndex('local_images_created').on('local_images').columns(['region', 'created_at', 'id']).execute();
    },
  },
  '0003_network': {
    async up(db: Kysely<unknown>) {
      const id = 'varchar(36)';
      const ip = 'varchar(45)';
      const scoped = (t: string) => db.schema.createTable(t)
        .addColumn('id', id, (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull());
      await scoped('local_networks')
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await scoped('local_subnets')
        .addColumn('network_id', id, (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
        .addColumn('ip_version', 'integer', (c) => c.notNull())
        .addColumn('gateway_ip', ip)
        .addColumn('allocation_pools', 'text', (c) => c.notNull())
        .addColumn('dns_nameservers', 'text', (c) => c.notNull())
        .addColumn('host_routes', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await scoped('local_ports')
        .addColumn('network_id', id, (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('mac_address', 'varchar(17)', (c) => c.notNull())
        .addColumn('allowed_address_pairs', 'text', (c) => c.notNull())
        .addColumn('device_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('device_owner', 'varchar(255)', (c) => c.notNull())
        .addColumn('description', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      // One row per allocated address: the primary key is what keeps an address from being handed out twice.
      await db.schema.createTable('local_port_ips')
        .addColumn('subnet_id', id, (c) => c.notNull())
        .addColumn('ip_address', ip, (c) => c.notNull())
        .addColumn('port_id', id, (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('local_port_ips_pk', ['subnet_id', 'ip_address'])
        .execute();
      await db.schema.createTable('local_port_security_groups')
        .addColumn('port_id', id, (c) => c.notNull())
        .addColumn('security_group_id', id, (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('local_port_security_groups_pk', ['port_id', 'security_group_id'])
        .execute();
      await scoped('local_routers')
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('gateway_network_id', id)
        .addColumn('routes', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      // Floating IPs and router gateways share the public pool: one address, one row.
      await scoped('local_floating_ips')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('address', ip, (c) => c.notNull())
        .addColumn('network_id', id, (c) => c.notNull())
        .addColumn('port_id', id)
        .addColumn('fixed_ip_address', ip)
        .addColumn('router_id', id)
        .addColumn('description', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addUniqueConstraint('local_floating_ips_address', ['region', 'address'])
        .addUniqueConstraint('local_floating_ips_fixed', ['port_id', 'fixed_ip_address'])
        .execute();
      await scoped('local_security_groups')
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('description', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await scoped('local_security_group_rules')
        .addColumn('security_group_id', id, (c) => c.notNull())
        .addColumn('direction', 'varchar(8)', (c) => c.notNull())
        .addColumn('ethertype', 'varchar(4)', (c) => c.notNull())
        .addColumn('protocol', 'varchar(16)')
        .addColumn('port_range_min', 'integer')
        .addColumn('port_range_max', 'integer')
        .addColumn('remote_ip_prefix', 'varchar(64)')
        .addColumn('remote_group_id', id)
        .addColumn('description', 'varchar(255)', (c) => c.notNull())
        // Everything that makes two rules the same, in one text: duplicates are refused by the database.
        .addColumn('fingerprint', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addUniqueConstraint('local_sg_rules_same', ['security_group_id', 'fingerprint'])
        .execute();
      await binaryCollation(db, ['local_networks', 'local_subnets', 'local_ports', 'local_port_ips', 'local_port_security_groups',
        'local_routers', 'local_floating_ips', 'local_security_groups', 'local_security_group_rules']);
      for (const t of ['local_networks', 'local_subnets', 'local_ports', 'local_routers', 'local_floating_ips', 'local_security_groups']) {
        await db.schema.createIndex(`${t}_scope`).on(t).columns(['project_id', 'region', 'id']).execute();
      }
      await db.schema.createIndex('local_subnets_network').on('local_subnets').column('network_id').execute();
      await db.schema.createIndex('local_ports_network').on('local_ports').column('network_id').execute();
      await db.schema.createIndex('local_ports_device').on('local_ports').column('device_id').execute();
      await db.schema.createIndex('local_port_ips_port').on('local_port_ips').column('port_id').execute();
      await db.schema.createIndex('local_port_sgs_group').on('local_port_security_groups').column('security_group_id').execute();
      await db.schema.createIndex('local_sg_rules_group').on('local_security_group_rules').column('security_group_id').execute();
      await db.schema.createIndex('local_sg_rules_remote').on('local_security_group_rules').column('remote_group_id').execute();
    },
  },
  // Nova server groups (EC2 placement groups); members are servers, written by the server code when it places one.
  '0004_server_groups': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('local_server_groups')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('policy', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createTable('local_server_group_members')
        .addColumn('group_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
        .addPrimaryKeyConstraint('local_server_group_members_pk', ['group_id', 'server_id'])
        .execute();
      await binaryCollation(db, ['local_server_groups', 'local_server_group_members']);
      await db.schema.createIndex('local_server_groups_scope').on('local_server_groups').columns(['project_id', 'region', 'id']).execute();
      await db.schema.createIndex('local_server_group_members_server').on('local_server_group_members').column('server_id').execute();
    },
  },
};

/** Brings the embedded cloud's tables up to date; returns the names of the migrations it applied. */
export async function migrateLocalCloud<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => LOCAL_CLOUD_MIGRATIONS },
    migrationTableName: 'local_cloud_migration',
    migrationLockTableName: 'local_cloud_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
