/**
 * The seam between EC2 semantics and the infrastructure, in OpenStack's shape:
 * one interface per OpenStack service. Actions only ever talk to these.
 * Implementations: src/cloud/local (embedded cloud) and src/cloud/openstack.
 */
import type {
  AvailabilityZoneRecord,
  ComputeQuotas,
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

export interface ComputeService {
  listKeyPairs(ctx: CloudContext): Promise<KeyPairRecord[]>;
  getKeyPair(ctx: CloudContext, name: string): Promise<KeyPairRecord | undefined>;
  /** Throws ProviderError Conflict when the name is taken, QuotaExceeded over quota. */
  importKeyPair(ctx: CloudContext, name: string, publicKey: string): Promise<KeyPairRecord>;
  /** Throws ProviderError NotFound when there is no such key pair. */
  deleteKeyPair(ctx: CloudContext, name: string): Promise<void>;
  listAvailabilityZones(ctx: CloudContext): Promise<AvailabilityZoneRecord[]>;
  getQuotas(ctx: CloudContext): Promise<ComputeQuotas>;
}

export interface NetworkService {
  getQuotas(ctx: CloudContext): Promise<NetworkQuotas>;
}

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
  readonly identity: IdentityService;
  close(): Promise<void>;
}
