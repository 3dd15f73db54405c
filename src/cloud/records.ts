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

export interface NetworkQuotas {
  floatingIps: number;
  securityGroups: number;
  securityGroupRules: number;
  ports: number;
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
}

/** Filters Glance applies itself (exact values; names are not among them: Glance cannot quote every name in its `in:` lists). */
export interface ImageFilters {
  /** Images of this project only. */
  owner?: string;
  /** Only public images, or only the caller's private ones. */
  visibility?: 'public' | 'private';
}
