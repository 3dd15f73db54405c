/**
 * The catalog of EC2 error codes this service raises, with typed factories.
 * AWS: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * Resource-kind spellings (InvalidKeyPair.NotFound vs InvalidVpcID.NotFound) are
 * irregular in EC2, so they live in one table keyed by resource kind.
 */
import { Ec2Error } from './ec2-error.js';

export type ResourceKind = 'key-pair' | 'region' | 'availability-zone';

const kindCodes: Record<ResourceKind, { notFound: string; malformed: string; label: string }> = {
  'key-pair': { notFound: 'InvalidKeyPair.NotFound', malformed: 'InvalidKeyPair.Format', label: 'key pair' },
  region: { notFound: 'InvalidRegion.NotFound', malformed: 'InvalidParameterValue', label: 'region' },
  'availability-zone': { notFound: 'InvalidZone.NotFound', malformed: 'InvalidParameterValue', label: 'zone' },
};

export const ERRORS = {
  /** A resource named by its name (KeyName …) does not exist. */
  notFound: (kind: ResourceKind, name: string) =>
    new Ec2Error(kindCodes[kind].notFound, `The ${kindCodes[kind].label} '${name}' does not exist`),
  /** A resource named by its EC2 id does not exist (in this project and region). */
  idNotFound: (kind: ResourceKind, id: string) =>
    new Ec2Error(kindCodes[kind].notFound, `The ${kindCodes[kind].label} ID '${id}' does not exist`),
  malformedId: (id: string, param?: string) =>
    new Ec2Error('InvalidID', `The ID '${id}' is not valid${param ? ` (parameter ${param})` : ''}`),
  invalidParameterValue: (param: string, value: unknown, reason?: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${String(value)}) for parameter ${param} is invalid.${reason ? ` ${reason}` : ''}`,
    ),
  invalidParameter: (message: string) => new Ec2Error('InvalidParameter', message),
  invalidParameterCombination: (message: string) => new Ec2Error('InvalidParameterCombination', message),
  missingParameter: (param: string) =>
    new Ec2Error('MissingParameter', `The request must contain the parameter ${param}`),
  unknownParameter: (param: string) =>
    new Ec2Error('UnknownParameter', `The parameter ${param} is not recognized`),
  unsupportedParameter: (param: string, action: string) =>
    new Ec2Error('Unsupported', `The parameter ${param} is not supported by ${action} in this service`),
  unsupportedOperation: (action: string) =>
    new Ec2Error('UnsupportedOperation', `The action ${action} is not supported by this service yet`),
  invalidAction: (action: string) =>
    new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`),
  missingAction: () => new Ec2Error('MissingAction', 'The request must contain the parameter Action'),
  dryRun: () => new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
  invalidPaginationToken: (token: string) =>
    new Ec2Error('InvalidPaginationToken', `The specified pagination token (${token}) is not valid or is expired.`),
  authFailure: (message = 'AWS was not able to validate the provided access credentials') =>
    new Ec2Error('AuthFailure', message, 401),
  unauthorized: (message = 'You are not authorized to perform this operation.') =>
    new Ec2Error('UnauthorizedOperation', message, 403),
  signatureDoesNotMatch: () =>
    new Ec2Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      403,
    ),
  incompleteSignature: (message: string) => new Ec2Error('IncompleteSignature', message, 400),
  missingAuthenticationToken: () =>
    new Ec2Error('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  requestExpired: (message = 'Request has expired.') => new Ec2Error('RequestExpired', message, 400),
  optInRequired: (message: string) => new Ec2Error('OptInRequired', message, 403),
  keyPairDuplicate: (name: string) =>
    new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`),
  /** AWS answers malformed ImportKeyPair material with InvalidKey.Format, not InvalidKeyPair.Format. */
  keyFormat: (message: string) => new Ec2Error('InvalidKey.Format', message),
  tagLimitExceeded: (message: string) => new Ec2Error('TagLimitExceeded', message),
  resourceLimitExceeded: (message: string) => new Ec2Error('ResourceLimitExceeded', message),
  idempotentParameterMismatch: (message: string) => new Ec2Error('IdempotentParameterMismatch', message),
  internal: (requestId: string) =>
    new Ec2Error('InternalError', `An internal error has occurred (request ${requestId})`, 500),
  unavailable: (message = 'The service is unavailable. Please try again shortly.') =>
    new Ec2Error('Unavailable', message, 503),
  requestLimitExceeded: () => new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503),
} as const;

/** Every code the catalog can produce, for the README's table and its completeness test. */
export const CATALOG_CODES = [
  ...new Set([
    ...Object.values(kindCodes).flatMap((k) => [k.notFound, k.malformed]),
    'InvalidID', 'InvalidParameterValue', 'InvalidParameter', 'InvalidParameterCombination', 'MissingParameter',
    'UnknownParameter', 'Unsupported', 'UnsupportedOperation', 'InvalidAction', 'MissingAction', 'DryRunOperation',
    'InvalidPaginationToken', 'AuthFailure', 'UnauthorizedOperation', 'SignatureDoesNotMatch', 'IncompleteSignature',
    'MissingAuthenticationToken', 'RequestExpired', 'OptInRequired', 'InvalidKeyPair.Duplicate', 'InvalidKey.Format', 'RequestTimeout', 'TagLimitExceeded',
    'ResourceLimitExceeded', 'IdempotentParameterMismatch', 'InternalError', 'Unavailable', 'RequestLimitExceeded',
  ]),
];
