/** OpenStack-shaped records exchanged across the provider seam. */

export interface KeyPairRecord {
  /** Nova key pairs are identified by name within a user/project. */
  name: string;
  publicKey: string;
  /** 'ssh' for every OpenSSH key (Nova's type); the EC2 key type is derived from the key itself. */
  type: 'ssh' | 'x509';
  /** Nova lists key pairs without it; EC2 then shows when the key pair was first seen. */
  createdAt?: Date;
}

export interface AvailabilityZoneRecord {
  name: string;
  available: boolean;
}

export interface ComputeQuotas {
  /** -1 means unlimited, as in Nova. */
  instances: number;
  cores: number;
  ramMb: number;
  keyPairs: number;
}

/** -1 means unlimited, as in Neutron. */
export interface NetworkQuotas {
  floatingIps: number;
  securityGroups: number;
  /** Neutron: rules of the project; the embedded cloud: rules of one group. */
  securityGroupRules: number;
  ports: number;
  networks: number;
  subnets: number;
  routers: number;
}

export interface RegionRecord {
  name: string;
  /** Public URL of this service in that region, when the backend knows it. */
  endpoint?: string;
}

export interface BlockStorageQuotas {
  /** -1 means unlimited, as in Cinder. */
  volumes: number;
  gigabytes: number;
  snapshots: number;
}

export interface ImageRecord {
  /** Glance's image id (a UUID). */
  id: string;
  name: string;
  /** Glance's image status: queued, saving, active, killed, deleted, pending_delete, deactivated … */
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  /** Project that owns the image. */
  owner: string;
  diskFormat?: string;
  containerFormat?: string;
  createdAt: Date;
  /** Glance properties (everything beyond the core fields), string-valued. */
  properties?: Record<string, string>;
  /** Bytes of image data, when there is data. */
  sizeBytes?: number;
  minDiskGb?: number;
  protected?: boolean;
}

/** Filters Glance applies itself (exact values; names are not among them: Glance cannot quote every name in its `in:` lists). */
export interface ImageFilters {
  /** Images of this project only. */
  owner?: string;
  /** Only public images, or only the caller's private ones. */
  visibility?: 'public' | 'private';
}

/** A Neutron network. The embedded cloud's external network is the configured public pool of the region. */
export interface NetworkRecord {
  id: string;
  name: string;
  projectId: string;
  /** router:external */
  external: boolean;
  subnetIds: string[];
  status: string;
  createdAt?: Date;
}

export interface AllocationPool { start: string; end: string }
export interface HostRoute { destination: string; nexthop: string }

export interface SubnetRecord {
  id: string;
  name: string;
  projectId: string;
  networkId: string;
  /** Canonical: the network address and prefix length. */
  cidr: string;
  ipVersion: 4 | 6;
  /** null: the subnet has no gateway. */
  gatewayIp: string | null;
  allocationPools: AllocationPool[];
  dnsNameservers: string[];
  hostRoutes: HostRoute[];
}

export interface NewSubnet {
  networkId: string;
  cidr: string;
  ipVersion: 4 | 6;
  name?: string;
  /** undefined: the first address of the cidr (Neutron's default); null: no gateway. */
  gatewayIp?: string | null;
  /** Default: the whole cidr but the network address, the gateway and (IPv4) the broadcast address. */
  allocationPools?: AllocationPool[];
  dnsNameservers?: string[];
  hostRoutes?: HostRoute[];
}

export interface SubnetUpdate {
  name?: string;
  gatewayIp?: string | null;
  allocationPools?: AllocationPool[];
  dnsNameservers?: string[];
  hostRoutes?: HostRoute[];
}

export interface FixedIp { subnetId: string; ipAddress: string }
/** A fixed IP wanted on a port: this address (in the subnet it falls in, or the given one), or any free one of the subnet. */
export type FixedIpRequest = { subnetId: string; ipAddress?: string } | { subnetId?: string; ipAddress: string };
export interface AddressPair { ipAddress: string; macAddress?: string }

export interface PortRecord {
  id: string;
  name: string;
  projectId: string;
  networkId: string;
  macAddress: string;
  /** In the backend's order (Neutron's is not the order given): which one is primary is for the caller to keep. */
  fixedIps: FixedIp[];
  securityGroupIds: string[];
  allowedAddressPairs: AddressPair[];
  /** '' when the port is not attached to anything. */
  deviceId: string;
  deviceOwner: string;
  description: string;
  /** DOWN until bound (Neutron), ACTIVE once a host uses it. */
  status: string;
  createdAt?: Date;
}

export interface NewPort {
  networkId: string;
  name?: string;
  /** Default: one free address of the network's first subnet. */
  fixedIps?: FixedIpRequest[];
  /** Default: none (both backends are told so explicitly; Neutron would otherwise add the project's `default` group). */
  securityGroupIds?: string[];
  allowedAddressPairs?: AddressPair[];
  deviceId?: string;
  deviceOwner?: string;
  description?: string;
}

/** The whole new value of each field given. */
export interface PortUpdate {
  name?: string;
  fixedIps?: FixedIpRequest[];
  securityGroupIds?: string[];
  allowedAddressPairs?: AddressPair[];
  deviceId?: string;
  deviceOwner?: string;
  description?: string;
}

export interface RouterGateway {
  networkId: string;
  externalFixedIps: FixedIp[];
}

export interface RouterRecord {
  id: string;
  name: string;
  projectId: string;
  /** undefined: no external gateway. */
  externalGateway?: RouterGateway;
  /** Extra routes (extraroute). */
  routes: HostRoute[];
  status: string;
}

/** What add/remove interface answer, as Neutron does. */
export interface RouterInterfaceRecord {
  routerId: string;
  subnetId: string;
  portId: string;
}

export interface FloatingIpRecord {
  id: string;
  projectId: string;
  floatingIpAddress: string;
  floatingNetworkId: string;
  /** null when not associated. */
  portId: string | null;
  fixedIpAddress: string | null;
  routerId: string | null;
  status: string;
  description: string;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  projectId: string;
  rules: SecurityGroupRuleRecord[];
}

export interface SecurityGroupRuleRecord {
  id: string;
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** A name (tcp, udp, icmp, ipv6-icmp …) or a number as a string; null: any protocol. */
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  description: string;
}

export type NewSecurityGroupRule = Omit<SecurityGroupRuleRecord, 'id' | 'protocol' | 'portRangeMin' | 'portRangeMax' | 'remoteIpPrefix' | 'remoteGroupId' | 'description'>
  & Partial<Pick<SecurityGroupRuleRecord, 'protocol' | 'portRangeMin' | 'portRangeMax' | 'remoteIpPrefix' | 'remoteGroupId' | 'description'>>;

export interface NetworkFilters { name?: string[] }
export interface SubnetFilters { networkId?: string[]; cidr?: string[]; name?: string[] }
export interface PortFilters { networkId?: string[]; deviceId?: string[]; deviceOwner?: string[]; subnetId?: string[]; ipAddress?: string[] }
export interface RouterFilters { name?: string[] }
export interface FloatingIpFilters { portId?: string[]; floatingIpAddress?: string[]; floatingNetworkId?: string[] }
export interface SecurityGroupFilters { name?: string[] }
export interface SecurityGroupRuleFilters { securityGroupId?: string[]; direction?: ('ingress' | 'egress')[] }

/** A Nova flavor: what an EC2 instance type maps onto. */
export interface FlavorRecord {
  id: string;
  /** The flavor's name; the EC2 instance type is this name or its mapping in [openstack] flavor_map. */
  name: string;
  vcpus: number;
  ramMb: number;
  /** Root disk size in GiB (0: the image's size). */
  diskGb: number;
}

/** Nova's server status, as the API shows it. */
export type ServerStatus =
  | 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'REBOOT' | 'HARD_REBOOT' | 'RESIZE' | 'VERIFY_RESIZE'
  | 'PAUSED' | 'SUSPENDED' | 'SHELVED' | 'SHELVED_OFFLOADED' | 'ERROR' | 'DELETED' | 'UNKNOWN';

/** A Nova server (an EC2 instance). */
export interface ServerRecord {
  id: string;
  name: string;
  projectId: string;
  status: ServerStatus;
  /** Nova's OS-EXT-STS:task_state (e.g. 'powering-off', 'rebooting', 'deleting'); absent when idle. */
  taskState?: string;
  flavorId: string;
  /** Absent for a server booted from a volume. */
  imageId?: string;
  keyName?: string;
  availabilityZone: string;
  /** Server metadata (Nova: string → string). */
  metadata: Record<string, string>;
  /** Nova server tags (2.26). */
  tags?: string[];
  /** Ids of the volumes attached to it, in attachment order. */
  volumeIds: string[];
  createdAt: Date;
  /** When it last became ACTIVE (OS-SRV-USG:launched_at). */
  launchedAt?: Date;
  /** Fault message of an ERROR server. */
  fault?: string;
}

/** How a new server gets a disk: Nova's block_device_mapping_v2 entry. */
export interface NewBlockDevice {
  /** 0 for the root disk; absent for other disks. */
  bootIndex?: number;
  sourceType: 'image' | 'volume' | 'snapshot' | 'blank';
  destinationType: 'volume' | 'local';
  /** The image, volume or snapshot id (absent for 'blank'). */
  sourceId?: string;
  sizeGb?: number;
  volumeType?: string;
  deviceName?: string;
  deleteOnTermination: boolean;
}

export interface NewServer {
  name: string;
  flavorId: string;
  /** The image to boot from, unless a block device with bootIndex 0 says otherwise. */
  imageId?: string;
  keyName?: string;
  /** Base64, as Nova takes it. */
  userData?: string;
  availabilityZone?: string;
  /** Existing ports, in device order (eth0 first). */
  portIds: string[];
  blockDevices?: NewBlockDevice[];
  metadata?: Record<string, string>;
  /** A server group (scheduler hint `group`). */
  serverGroupId?: string;
}

export interface ServerFilters {
  /** Servers in these states only. */
  status?: ServerStatus[];
  name?: string[];
}

/** A Nova server group: a placement policy. */
export interface ServerGroupRecord {
  id: string;
  name: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  memberIds: string[];
  projectId: string;
}

/** A Cinder volume. */
export interface VolumeRecord {
  id: string;
  name: string;
  description?: string;
  projectId: string;
  sizeGb: number;
  /** creating, available, attaching, in-use, detaching, deleting, error, extending, retyping, maintenance … */
  status: string;
  volumeType?: string;
  availabilityZone: string;
  snapshotId?: string;
  /** The image a volume was made from (volume_image_metadata.image_id). */
  imageId?: string;
  bootable: boolean;
  multiattach: boolean;
  encrypted: boolean;
  metadata: Record<string, string>;
  attachments: VolumeAttachmentRecord[];
  createdAt: Date;
}

export interface VolumeAttachmentRecord {
  /** Nova's attachment id is the volume id; Cinder's attachment_id differs. */
  id: string;
  volumeId: string;
  serverId: string;
  /** /dev/vdb … as the cloud reports it. */
  device?: string;
  attachedAt?: Date;
}

export interface NewVolume {
  sizeGb?: number;
  availabilityZone?: string;
  snapshotId?: string;
  imageId?: string;
  volumeType?: string;
  name?: string;
  description?: string;
  multiattach?: boolean;
  metadata?: Record<string, string>;
}

export interface VolumeFilters { status?: string[]; name?: string[] }

/** A Cinder snapshot. */
export interface SnapshotRecord {
  id: string;
  name: string;
  description?: string;
  projectId: string;
  volumeId: string;
  sizeGb: number;
  /** creating, available, deleting, error … */
  status: string;
  /** '0%' … '100%' (os-extended-snapshot-attributes:progress). */
  progress?: string;
  metadata: Record<string, string>;
  createdAt: Date;
}

export interface NewSnapshot {
  volumeId: string;
  name?: string;
  description?: string;
  /** Snapshot an in-use volume too. */
  force?: boolean;
  metadata?: Record<string, string>;
}

export interface SnapshotFilters { volumeId?: string[]; status?: string[] }

/** A new Glance image (its data, if any, comes later or never: EC2 images are metadata over snapshots). */
export interface NewImage {
  name: string;
  visibility?: 'public' | 'private' | 'shared';
  diskFormat?: string;
  containerFormat?: string;
  /** Glance properties (string values), e.g. architecture, kernel_id, ramdisk_id, os_type, block_device_mapping, root_device_name. */
  properties?: Record<string, string>;
}

export interface ImageUpdate {
  name?: string;
  visibility?: 'public' | 'private' | 'shared';
  /** Properties to set (a string) or remove (null). */
  properties?: Record<string, string | null>;
}

/** A Glance image member: a project the image is shared with. */
export interface ImageMemberRecord {
  imageId: string;
  memberId: string;
  status: 'pending' | 'accepted' | 'rejected';
}
