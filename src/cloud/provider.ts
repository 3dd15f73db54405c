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
  KeyPairRecord,
  NetworkQuotas,
  RegionRecord,
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
}

/** Neutron. */
export interface NetworkService {
  getQuotas(ctx: CloudContext): Promise<NetworkQuotas>;
}

/** Cinder. */
export interface BlockStorageService {
  getQuotas(ctx: CloudContext): Promise<BlockStorageQuotas>;
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
