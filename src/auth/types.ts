/**
 * Types shared by the signature verifiers and the credential sources.
 * The verifiers know AWS signing and nothing about where secrets live;
 * credential sources know where secrets live (local store, Keystone).
 */

/** The HTTP request as the pipeline received it, before any EC2 parsing. */
export interface IncomingRequest {
  method: string;
  /** Path only, exactly as received (still percent-encoded), e.g. "/" or "/services/Cloud/". */
  path: string;
  /** Raw query string without the leading '?', exactly as received (may be ""). */
  rawQuery: string;
  /** Header names lower-cased; repeated headers joined with ",". */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * The EC2 parameters: the query string for GET, the form body for POST
   * (application/x-www-form-urlencoded), decoded. Includes auth parameters
   * (X-Amz-*, AWSAccessKeyId, Signature …) when present.
   */
  params: Record<string, string>;
}

export type SignatureVersion = 'v4-header' | 'v4-query' | 'v2';

/** What a request claims about its signature, parsed but not yet verified. */
export interface ParsedSignature {
  version: SignatureVersion;
  accessKeyId: string;
  signature: string;
  /** Signing time (SigV4 X-Amz-Date / SigV2 Timestamp); for SigV2 with Expires, the expiry instead. */
  date: Date;
  /** SigV2 only: true when the request carries Expires rather than Timestamp. */
  expires?: boolean;
  /** SigV4 presigned only: X-Amz-Expires in seconds. */
  expiresIn?: number;
  /** SigV4 credential scope parts; absent for SigV2. */
  scope?: { date: string; region: string; service: string };
  /** SigV4: the SignedHeaders list (lower-case). */
  signedHeaders?: string[];
  /** SigV2: HmacSHA256 or HmacSHA1. */
  signatureMethod?: string;
}

/** The authenticated caller. */
export interface Principal {
  projectId: string;
  projectName: string;
  /** The OwnerId shown in responses: a 12-digit account on the embedded cloud, the Keystone project id on OpenStack. */
  ownerId: string;
  userId: string;
  roles: string[];
  accessKeyId: string;
  /** Backend credentials for provider calls on the caller's behalf (e.g. a Keystone token). */
  cloudAuth?: unknown;
}

/** Resolves an access key and checks the signature; implementations throw Ec2Error (AuthFailure, SignatureDoesNotMatch …). */
export interface CredentialSource {
  authenticate(req: IncomingRequest, sig: ParsedSignature): Promise<Principal>;
  /** The cloud refused the caller's backend credentials: drop anything cached for this access key. */
  forget?(accessKeyId: string): void;
  /** Stops background work (cache invalidation polling). */
  close?(): Promise<void>;
}
