/**
 * Errors a cloud provider throws. They carry no EC2 knowledge: the action layer
 * (src/actions/translate.ts) turns them into EC2 codes, once, at the boundary.
 */
export type ProviderErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'QuotaExceeded'
  | 'BadRequest'
  /** The object is still used by others (ports on a network or subnet, interfaces on a router, ports in a security group). */
  | 'InUse'
  /** No free address is left where one was asked for (a subnet's allocation pools, the floating IP pool). */
  | 'IpAddressExhausted'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Unavailable'
  | 'Timeout';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly upstream?: { service: string; status?: number; body?: string },
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export const isProviderError = (e: unknown, kind?: ProviderErrorKind): e is ProviderError =>
  e instanceof ProviderError && (kind === undefined || e.kind === kind);
