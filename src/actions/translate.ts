/**
 * The one translator from provider errors to EC2 errors, applied at the action
 * boundary. Actions catch and re-map first where only they know the meaning
 * (a Nova 409 on a key pair name is InvalidKeyPair.Duplicate).
 */
import { isProviderError } from '../cloud/errors.js';
import { ERRORS } from '../errors/catalog.js';
import { Ec2Error, isEc2Error } from '../errors/ec2-error.js';

export function toEc2Error(e: unknown, requestId: string): Ec2Error | undefined {
  if (isEc2Error(e)) return e;
  if (!isProviderError(e)) return undefined;
  switch (e.kind) {
    case 'QuotaExceeded':
      return ERRORS.resourceLimitExceeded(e.message);
    case 'Unauthorized':
      return ERRORS.authFailure(e.message);
    case 'Forbidden':
      return ERRORS.unauthorized(e.message);
    case 'BadRequest':
      return new Ec2Error('InvalidParameterValue', e.message);
    case 'Unavailable':
    case 'Timeout':
      return ERRORS.unavailable(`${e.message} (request ${requestId})`);
    default:
      return undefined; // NotFound/Conflict unmapped by the action: a bug → InternalError
  }
}
