/**
 * The embedded cloud's tables, as Kysely sees them. They live in the store's
 * database but belong to the cloud (src/cloud/local/migrations.ts), never to the
 * EC2 store. Timestamps are ISO 8601 strings: one form on all three dialects.
 */

/** Nova key pairs, per project and region. */
export interface LocalKeyPairsTable {
  project_id: string;
  region: string;
  name: string;
  public_key: string;
  created_at: string;
}

/** Glance images, per region; `owner` is the owning project. */
export interface LocalImagesTable {
  id: string;
  region: string;
  owner: string;
  name: string;
  status: string;
  visibility: string;
  disk_format: string | null;
  container_format: string | null;
  created_at: string;
}

interface Scoped { id: string; project_id: string; region: string }

/** Neutron networks, subnets, ports and routers; lists are JSON text. */
export interface LocalNetworksTable extends Scoped { name: string; created_at: string }
export interface LocalSubnetsTable extends Scoped {
  network_id: string;
  name: string;
  cidr: string;
  ip_version: number;
  gateway_ip: string | null;
  allocation_pools: string;
  dns_nameservers: string;
  host_routes: string;
  created_at: string;
}
export interface LocalPortsTable extends Scoped {
  network_id: string;
  name: string;
  mac_address: string;
  allowed_address_pairs: string;
  device_id: string;
  device_owner: string;
  description: string;
  status: string;
  created_at: string;
}
/** An address allocated to a port; (subnet_id, ip_address) is the primary key. */
export interface LocalPortIpsTable { subnet_id: string; ip_address: string; port_id: string; position: number }
export interface LocalPortSecurityGroupsTable { port_id: string; security_group_id: string; position: number }
export interface LocalRoutersTable extends Scoped { name: string; gateway_network_id: string | null; routes: string; created_at: string }
/** An address of the public pool: a floating IP, or (kind 'gateway') a router's external gateway address. */
export interface LocalFloatingIpsTable extends Scoped {
  kind: 'floatingip' | 'gateway';
  address: string;
  network_id: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  description: string;
  created_at: string;
}
export interface LocalSecurityGroupsTable extends Scoped { name: string; description: string; created_at: string }
export interface LocalSecurityGroupRulesTable extends Scoped {
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  description: string;
  fingerprint: string;
  created_at: string;
}

/** Nova server groups and their members (servers). */
export interface LocalServerGroupsTable extends Scoped { name: string; policy: string; created_at: string }
export interface LocalServerGroupMembersTable { group_id: string; server_id: string }

export interface LocalCloudDatabase {
  local_key_pairs: LocalKeyPairsTable;
  local_images: LocalImagesTable;
  local_networks: LocalNetworksTable;
  local_subnets: LocalSubnetsTable;
  local_ports: LocalPortsTable;
  local_port_ips: LocalPortIpsTable;
  local_port_security_groups: LocalPortSecurityGroupsTable;
  local_routers: LocalRoutersTable;
  local_floating_ips: LocalFloatingIpsTable;
  local_security_groups: LocalSecurityGroupsTable;
  local_security_group_rules: LocalSecurityGroupRulesTable;
  local_server_groups: LocalServerGroupsTable;
  local_server_group_members: LocalServerGroupMembersTable;
}
