/**
 * The seam between EC2 semantics and the infrastructure, in OpenStack's shape:
 * one interface per OpenStack service. Actions only ever talk to these.
 * Implementations: src/cloud/local (embedded cloud) and src/cloud/openstack.
 */
import type {
  AvailabilityZoneRecord,
  BlockStorageQuotas,
  ComputeQuotas,
  ImageFilters,
  ImageRecord,
  FloatingIpFilters,
  FloatingIpRecord,
  KeyPairRecord,
  NetworkFilters,
  NetworkQuotas,
  NetworkRecord,
  NewPort,
  NewSecurityGroupRule,
  NewSubnet,
  PortFilters,
  PortRecord,
  PortUpdate,
  RegionRecord,
  RouterFilters,
  RouterInterfaceRecord,
  RouterRecord,
  SecurityGroupFilters,
  SecurityGroupRecord,
  SecurityGroupRuleFilters,
  SecurityGroupRuleRecord,
  SubnetFilters,
  SubnetRecord,
  SubnetUpdate,
  HostRoute,
  FlavorRecord,
  ServerRecord,
  NewServer,
  ServerFilters,
  ServerGroupRecord,
  VolumeRecord,
  VolumeAttachmentRecord,
  NewVolume,
  VolumeFilters,
  SnapshotRecord,
  NewSnapshot,
  SnapshotFilters,
  NewImage,
  ImageUpdate,
  ImageMemberRecord,
} from './records.js';

/** Who is calling and where: every provider call is made on behalf of one project in one region. */
export interface CloudContext {
  requestId: string;
  projectId: string;
  userId: string;
  region: string;
  /** Backend-specific credentials of the caller (a Keystone token for OpenStack). */
  auth?: unknown;
  signal?: AbortSignal;
  /** Upstream HTTP calls made for this request so far (counted by the OpenStack provider, reported in /metrics). */
  upstreamCalls?: { count: number };
}

/**
 * What a list call can push down to the backend. Every list method documents the
 * order it returns (the order the backend pages in); that order is stable, so a
 * caller can page with limit/marker and get every object exactly once.
 */
export interface ListQuery<F = never> {
  /** Only the objects with these backend ids (names for key pairs). Unknown ids are left out, not an error. */
  ids?: readonly string[];
  /** Exact-match filters the backend applies: the values of one filter are alternatives, filters combine with AND. */
  filters?: F;
  /** At most this many objects (a positive integer). */
  limit?: number;
  /** Start after the object with this id: the `next` of the previous page. A marker the backend does not know, or the caller may not see, is a BadRequest. */
  marker?: string;
}

export interface Page<T> {
  items: T[];
  /** The marker of the next page; absent on the last page. */
  next?: string;
}

/** Nova. */
export interface ComputeService {
  /**
   * The caller's key pairs by name, in the database's text order (Nova's: usually case-insensitive;
   * local: binary on SQLite and MariaDB/MySQL, the database's collation on PostgreSQL). Ids and markers are names.
   */
  listKeyPairs(ctx: CloudContext, query?: ListQuery): Promise<Page<KeyPairRecord>>;
  getKeyPair(ctx: CloudContext, name: string): Promise<KeyPairRecord | undefined>;
  /** Throws ProviderError Conflict when the name is taken, QuotaExceeded over quota, BadRequest for a key it cannot parse. */
  importKeyPair(ctx: CloudContext, name: string, publicKey: string): Promise<KeyPairRecord>;
  /** Throws ProviderError NotFound when there is no such key pair. */
  deleteKeyPair(ctx: CloudContext, name: string): Promise<void>;
  /** Zones of the caller's region, in the backend's order. */
  listAvailabilityZones(ctx: CloudContext): Promise<AvailabilityZoneRecord[]>;
  getQuotas(ctx: CloudContext): Promise<ComputeQuotas>;

  /** Flavors the caller may use, in id order. */
  listFlavors(ctx: CloudContext): Promise<FlavorRecord[]>;

  /**
   * Servers: the caller's project's own, oldest first (created_at, then id), so limit/marker page stably.
   * createServer answers at once with status BUILD; the server becomes ACTIVE (or ERROR) later.
   * QuotaExceeded over the instances/cores/ram quota; BadRequest for what Nova refuses.
   */
  createServer(ctx: CloudContext, server: NewServer): Promise<ServerRecord>;
  getServer(ctx: CloudContext, id: string): Promise<ServerRecord | undefined>;
  listServers(ctx: CloudContext, query?: ListQuery<ServerFilters>): Promise<Page<ServerRecord>>;
  /** The server goes away (DELETED, then unlisted); volumes it made with deleteOnTermination go with it. */
  deleteServer(ctx: CloudContext, id: string): Promise<void>;
  /** Conflict when the server is not in a state that allows it (Nova's 409). */
  startServer(ctx: CloudContext, id: string): Promise<void>;
  stopServer(ctx: CloudContext, id: string): Promise<void>;
  rebootServer(ctx: CloudContext, id: string, hard: boolean): Promise<void>;
  /** Resize to another flavor and confirm it (the server keeps its power state). */
  resizeServer(ctx: CloudContext, id: string, flavorId: string): Promise<void>;
  updateServerMetadata(ctx: CloudContext, id: string, metadata: Record<string, string | null>): Promise<void>;
  /** The console log, up to `lines` last lines ('' when there is none yet). */
  getConsoleOutput(ctx: CloudContext, id: string, lines?: number): Promise<string>;
  /** The encrypted admin password the server posted (os-server-password), '' when none. */
  getServerPassword(ctx: CloudContext, id: string): Promise<string>;
  /** Nova createImage: a snapshot image of the server (for a volume-backed server, Cinder snapshots of its volumes). Returns the image id. */
  createServerImage(ctx: CloudContext, id: string, image: { name: string; metadata?: Record<string, string> }): Promise<string>;

  /** Attaches a volume (os-volume_attachments). InUse when the volume is not available; Conflict for a taken device. */
  attachVolume(ctx: CloudContext, serverId: string, volumeId: string, device?: string): Promise<VolumeAttachmentRecord>;
  /** NotFound when the volume is not attached to the server. */
  detachVolume(ctx: CloudContext, serverId: string, volumeId: string): Promise<void>;

  createServerGroup(ctx: CloudContext, group: { name: string; policy: ServerGroupRecord['policy'] }): Promise<ServerGroupRecord>;
  getServerGroup(ctx: CloudContext, id: string): Promise<ServerGroupRecord | undefined>;
  listServerGroups(ctx: CloudContext): Promise<ServerGroupRecord[]>;
  deleteServerGroup(ctx: CloudContext, id: string): Promise<void>;
}

/**
 * Neutron (v2.0 core, router with extraroute, allowed-address-pairs, security groups).
 * Everything is the caller's project's own: lists show only its objects (Neutron is asked
 * for project_id = the caller's), gets answer undefined for anything else. Every list is
 * in id order, so limit/marker page stably; markers are ids. Errors: NotFound for a missing
 * object named in a call, Conflict for an address already allocated or a duplicate rule,
 * InUse when dependents remain (ports on a network/subnet, interfaces on a router, ports in a
 * group, floating IPs through a gateway or interface), IpAddressExhausted when no address is
 * free, QuotaExceeded, BadRequest for what Neutron refuses as invalid.
 */
export interface NetworkService {
  getQuotas(ctx: CloudContext): Promise<NetworkQuotas>;

  createNetwork(ctx: CloudContext, network: { name?: string }): Promise<NetworkRecord>;
  getNetwork(ctx: CloudContext, id: string): Promise<NetworkRecord | undefined>;
  listNetworks(ctx: CloudContext, query?: ListQuery<NetworkFilters>): Promise<Page<NetworkRecord>>;
  /** InUse while ports (other than the ones Neutron owns itself, e.g. DHCP) remain on it. */
  deleteNetwork(ctx: CloudContext, id: string): Promise<void>;
  /** The external networks floating IPs and router gateways come from (the embedded cloud: its public pool). */
  listExternalNetworks(ctx: CloudContext): Promise<NetworkRecord[]>;

  createSubnet(ctx: CloudContext, subnet: NewSubnet): Promise<SubnetRecord>;
  getSubnet(ctx: CloudContext, id: string): Promise<SubnetRecord | undefined>;
  listSubnets(ctx: CloudContext, query?: ListQuery<SubnetFilters>): Promise<Page<SubnetRecord>>;
  updateSubnet(ctx: CloudContext, id: string, update: SubnetUpdate): Promise<SubnetRecord>;
  /** InUse while a port (a router interface too) has an address in it. */
  deleteSubnet(ctx: CloudContext, id: string): Promise<void>;

  /** Conflict for an explicit address already allocated, IpAddressExhausted when the subnet has none free. */
  createPort(ctx: CloudContext, port: NewPort): Promise<PortRecord>;
  getPort(ctx: CloudContext, id: string): Promise<PortRecord | undefined>;
  listPorts(ctx: CloudContext, query?: ListQuery<PortFilters>): Promise<Page<PortRecord>>;
  /** `fixedIps` replaces the port's addresses: kept ones stay (give them with their address), new ones are allocated, missing ones freed. */
  updatePort(ctx: CloudContext, id: string, update: PortUpdate): Promise<PortRecord>;
  /** Floating IPs associated with the port are disassociated. */
  deletePort(ctx: CloudContext, id: string): Promise<void>;

  createRouter(ctx: CloudContext, router: { name?: string }): Promise<RouterRecord>;
  getRouter(ctx: CloudContext, id: string): Promise<RouterRecord | undefined>;
  listRouters(ctx: CloudContext, query?: ListQuery<RouterFilters>): Promise<Page<RouterRecord>>;
  /** InUse while it has interfaces. The gateway goes with it. */
  deleteRouter(ctx: CloudContext, id: string): Promise<void>;
  /** A port on the subnet with the subnet's gateway address (BadRequest without one); the port is listed with deviceId = the router. */
  addRouterInterface(ctx: CloudContext, routerId: string, subnetId: string): Promise<RouterInterfaceRecord>;
  /** NotFound when the router has no interface on that subnet; InUse while floating IPs need it. */
  removeRouterInterface(ctx: CloudContext, routerId: string, subnetId: string): Promise<RouterInterfaceRecord>;
  /** Sets (a network id) or clears (null) the external gateway. Clearing is InUse while floating IPs need it. */
  setRouterGateway(ctx: CloudContext, routerId: string, networkId: string | null): Promise<RouterRecord>;
  /** Replaces the extra routes; every nexthop must be in a subnet the router has an interface on (else BadRequest). */
  setRouterRoutes(ctx: CloudContext, routerId: string, routes: HostRoute[]): Promise<RouterRecord>;

  /**
   * A floating IP on an external network, a free one or `floatingIpAddress` (Conflict when taken;
   * Neutron lets only admins choose by default: Forbidden). IpAddressExhausted when the pool is used up.
   */
  createFloatingIp(ctx: CloudContext, fip: { floatingNetworkId: string; floatingIpAddress?: string; description?: string }): Promise<FloatingIpRecord>;
  getFloatingIp(ctx: CloudContext, id: string): Promise<FloatingIpRecord | undefined>;
  listFloatingIps(ctx: CloudContext, query?: ListQuery<FloatingIpFilters>): Promise<Page<FloatingIpRecord>>;
  /**
   * Associates with a port's fixed address (default: its first IPv4 one), or disassociates (portId null).
   * BadRequest when no router of the project connects the port's subnet to the floating IP's network
   * (Neutron: ExternalGatewayForFloatingIPNotFound); Conflict when that fixed address already has another floating IP.
   */
  updateFloatingIp(ctx: CloudContext, id: string, association: { portId: string | null; fixedIpAddress?: string }): Promise<FloatingIpRecord>;
  deleteFloatingIp(ctx: CloudContext, id: string): Promise<void>;

  /** A new group has Neutron's two egress rules (any protocol, IPv4 and IPv6). */
  createSecurityGroup(ctx: CloudContext, group: { name: string; description?: string }): Promise<SecurityGroupRecord>;
  getSecurityGroup(ctx: CloudContext, id: string): Promise<SecurityGroupRecord | undefined>;
  listSecurityGroups(ctx: CloudContext, query?: ListQuery<SecurityGroupFilters>): Promise<Page<SecurityGroupRecord>>;
  /** InUse while ports use it. Rules of other groups naming it as remote group go with it. */
  deleteSecurityGroup(ctx: CloudContext, id: string): Promise<void>;
  /** Conflict for a rule equal to one the group has (the description aside); QuotaExceeded over quota. */
  createSecurityGroupRule(ctx: CloudContext, rule: NewSecurityGroupRule): Promise<SecurityGroupRuleRecord>;
  listSecurityGroupRules(ctx: CloudContext, query?: ListQuery<SecurityGroupRuleFilters>): Promise<Page<SecurityGroupRuleRecord>>;
  deleteSecurityGroupRule(ctx: CloudContext, id: string): Promise<void>;
}

/**
 * Cinder. Volumes and snapshots of the caller's project, oldest first (created_at, then id).
 * Creates answer at once with status 'creating'; the object becomes 'available' later.
 * Errors: QuotaExceeded, InUse (deleting an attached volume, or one with snapshots), BadRequest.
 */
export interface BlockStorageService {
  getQuotas(ctx: CloudContext): Promise<BlockStorageQuotas>;
  /** Volume type names, the default first. */
  listVolumeTypes(ctx: CloudContext): Promise<string[]>;

  createVolume(ctx: CloudContext, volume: NewVolume): Promise<VolumeRecord>;
  getVolume(ctx: CloudContext, id: string): Promise<VolumeRecord | undefined>;
  listVolumes(ctx: CloudContext, query?: ListQuery<VolumeFilters>): Promise<Page<VolumeRecord>>;
  deleteVolume(ctx: CloudContext, id: string): Promise<void>;
  /** Grow to sizeGb (BadRequest when not larger). */
  extendVolume(ctx: CloudContext, id: string, sizeGb: number): Promise<void>;
  retypeVolume(ctx: CloudContext, id: string, volumeType: string): Promise<void>;
  updateVolume(ctx: CloudContext, id: string, update: { name?: string; description?: string; metadata?: Record<string, string> }): Promise<void>;

  createSnapshot(ctx: CloudContext, snapshot: NewSnapshot): Promise<SnapshotRecord>;
  getSnapshot(ctx: CloudContext, id: string): Promise<SnapshotRecord | undefined>;
  listSnapshots(ctx: CloudContext, query?: ListQuery<SnapshotFilters>): Promise<Page<SnapshotRecord>>;
  deleteSnapshot(ctx: CloudContext, id: string): Promise<void>;
}

/** Glance. */
export interface ImageService {
  /**
   * Images the caller may see (public ones and its project's own), oldest first
   * (creation time, then id), as Glance pages them with sort created_at:asc,id:asc.
   */
  listImages(ctx: CloudContext, query?: ListQuery<ImageFilters>): Promise<Page<ImageRecord>>;
  /** undefined when there is no such image or the caller may not see it. */
  getImage(ctx: CloudContext, id: string): Promise<ImageRecord | undefined>;
  /** A new image of the caller's project (status 'queued' until data or a location comes; EC2 images may stay so). */
  createImage(ctx: CloudContext, image: NewImage): Promise<ImageRecord>;
  updateImage(ctx: CloudContext, id: string, update: ImageUpdate): Promise<ImageRecord>;
  /** Forbidden for another project's image; NotFound when missing. */
  deleteImage(ctx: CloudContext, id: string): Promise<void>;
  /** Members of one of the caller's images (its visibility must be 'shared'). */
  listImageMembers(ctx: CloudContext, id: string): Promise<ImageMemberRecord[]>;
  /** Shares the image with a project (Conflict when already a member); the member's status is set to accepted where the backend allows. */
  addImageMember(ctx: CloudContext, id: string, projectId: string): Promise<ImageMemberRecord>;
  removeImageMember(ctx: CloudContext, id: string, projectId: string): Promise<void>;
}

/** Keystone. */
export interface IdentityService {
  /**
   * Regions this backend serves. `open` backends (the embedded cloud) serve
   * every AWS region name; `fixed` ones (an OpenStack catalog) only those listed.
   */
  listRegions(ctx?: CloudContext): Promise<{ mode: 'open' | 'fixed'; regions: RegionRecord[] }>;
}

export interface CloudProvider {
  readonly name: 'local' | 'openstack';
  readonly compute: ComputeService;
  readonly network: NetworkService;
  readonly blockStorage: BlockStorageService;
  readonly image: ImageService;
  readonly identity: IdentityService;
  close(): Promise<void>;
}
