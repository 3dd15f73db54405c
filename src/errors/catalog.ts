/**
 * The catalog of EC2 error codes this service raises, with typed factories.
 * AWS: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * Resource-kind spellings (InvalidKeyPair.NotFound vs InvalidVpcID.NotFound) are
 * irregular in EC2: they come from the registry of kinds (src/resources/kinds.ts).
 */
import { allKinds, type Kind, kindSpec } from '../resources/kinds.js';
import { Ec2Error } from './ec2-error.js';

const quoted = (items: string[]) => items.join(', ');

export const ERRORS = {
  /** Resources named by their names (KeyName …) do not exist. */
  notFound: (kind: Kind, names: string[]) =>
    new Ec2Error(kindSpec(kind).notFound, names.length === 1
      ? `The ${kindSpec(kind).label} '${names[0]}' does not exist`
      : `The ${kindSpec(kind).label}s '${quoted(names)}' do not exist`),
  /** Resources named by their EC2 ids do not exist (in this project and region); AWS lists every missing one. */
  idNotFound: (kind: Kind, ids: string[]) =>
    new Ec2Error(kindSpec(kind).notFound, ids.length === 1
      ? `The ${kindSpec(kind).label} ID '${ids[0]}' does not exist`
      : `The ${kindSpec(kind).label} IDs '${quoted(ids)}' do not exist`),
  /** An id that is not of the form its parameter takes; `kind` undefined when the prefix names no known kind. */
  malformedId: (kind: Kind | undefined, id: string, param?: string) =>
    kind && kindSpec(kind).malformed !== 'InvalidID'
      ? new Ec2Error(kindSpec(kind).malformed, `Invalid id: "${id}"${param ? ` (parameter ${param})` : ''}`)
      : new Ec2Error('InvalidID', `The ID '${id}' is not valid${param ? ` (parameter ${param})` : ''}`),
  invalidParameterValue: (param: string, value: unknown, reason?: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${String(value)}) for parameter ${param} is invalid.${reason ? ` ${reason}` : ''}`,
    ),
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
  keyPairDuplicate: (name: string) =>
    new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`),
  /** AWS answers malformed ImportKeyPair material with InvalidKey.Format, not InvalidKeyPair.Format. */
  keyFormat: (message: string) => new Ec2Error('InvalidKey.Format', message),
  tagLimitExceeded: (message: string) => new Ec2Error('TagLimitExceeded', message),
  resourceLimitExceeded: (message: string) => new Ec2Error('ResourceLimitExceeded', message),
  internal: (requestId: string) =>
    new Ec2Error('InternalError', `An internal error has occurred (request ${requestId})`, 500),
  unavailable: (message = 'The service is unavailable. Please try again shortly.') =>
    new Ec2Error('Unavailable', message, 503),
  /** AWS's wording for a delete that dependents block: "The vpc 'vpc-…' has dependencies and cannot be deleted." */
  dependencyViolation: (message: string) => new Ec2Error('DependencyViolation', message),
} as const;

/**
 * Codes whose messages are specific to one situation (most of the VPC API's): raised with `ec2Error(code, message)`,
 * the message written where it is raised, in AWS's wording. The list keeps them typed and in the catalog.
 */
const SITUATIONAL_CODES = [
  'DependencyViolation', 'InvalidVpc.Range', 'InvalidSubnet.Range', 'InvalidSubnet.Conflict', 'VpcLimitExceeded',
  'SubnetLimitExceeded', 'RouteTableLimitExceeded', 'RouteLimitExceeded', 'SecurityGroupLimitExceeded',
  'RulesPerSecurityGroupLimitExceeded', 'SecurityGroupsPerInterfaceLimitExceeded', 'AddressLimitExceeded',
  'InternetGatewayLimitExceeded', 'DefaultVpcAlreadyExists', 'DefaultSubnetAlreadyExistsInAvailabilityZone',
  'DefaultVpcDoesNotExist', 'NoDefaultVpcForSubnet', 'VPCIdNotSpecified', 'InvalidGroup.Duplicate', 'InvalidGroup.Reserved',
  'InvalidGroupId.Malformed', 'InvalidPermission.Duplicate', 'InvalidPermission.NotFound', 'InvalidPermission.Malformed',
  'CannotDelete', 'Resource.AlreadyAssociated', 'Gateway.NotAttached', 'InvalidAddress.NotFound',
  'InvalidAddress.Malformed', 'InvalidIPAddress.InUse', 'InvalidAddress.Locked', 'InvalidAddress.PtrSet', 'PrivateIpAddressLimitExceeded',
  'InvalidRoute.NotFound', 'InvalidRoute.Malformed', 'InvalidRoute.InvalidState', 'RouteAlreadyExists',
  'InvalidGatewayID.NotFound', 'InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'InvalidVpnGatewayID.NotFound',
  'InvalidVpnGatewayID.Malformed', 'InvalidNetworkInterface.InUse', 'InvalidParameter', 'IncorrectState',
  'OperationNotPermitted', 'InvalidVpcID.NotFound', 'InvalidDhcpOptionID.NotFound',   'InvalidAssociationID.NotFound', 'InvalidNetworkInterfaceID.NotFound', 'InvalidSubnetID.NotFound',
  'CidrLimitExceeded', 'InvalidCidrBlock.InUse', 'InvalidParameter.Duplicate', 'NetworkAclEntryAlreadyExists',
  'InvalidNetworkAclEntry.NotFound', 'NetworkAclEntryLimitExceeded',
  'AttachmentLimitExceeded', 'NetworkInterfaceLimitExceeded', 'InsufficientFreeAddressesInSubnet',
  'InvalidInternetGatewayID.NotFound', 'InvalidRouteTableID.NotFound',   'InvalidIPAddress.InUse', 'UnsupportedOperation',   'InvalidAllocationID.NotFound', 'InvalidSecurityGroupRuleId.NotFound', 'InvalidGroup.NotFound',
  'InvalidPlacementGroup.Duplicate', 'InvalidPlacementGroup.InUse', 'PlacementGroupLimitExceeded',
  'InvalidLaunchTemplateName.MalformedException', 'InvalidLaunchTemplateName.AlreadyExistsException',
  'InvalidLaunchTemplateName.NotFoundException', 'InvalidLaunchTemplateId.VersionNotFound', 'InvalidLaunchTemplateId.NotFound',
  'LaunchTemplateLimitExceeded', 'LaunchTemplateVersionLimitExceeded',
] as const;
export type SituationalCode = (typeof SITUATIONAL_CODES)[number];

export const ec2Error = (code: SituationalCode, message: string) => new Ec2Error(code, message);

/**
 * Every code this service raises: the registry's kind codes and the codes above. The README's error table
 * lists exactly these, and every `Ec2Error` raised in src/ uses one of them (src/errors/catalog.test.ts).
 */
export const CATALOG_CODES: readonly string[] = [
  ...new Set([
    ...allKinds().flatMap((k) => [kindSpec(k).notFound, kindSpec(k).malformed]),
    'InvalidID', 'InvalidParameterValue', 'InvalidParameterCombination', 'MissingParameter',
    'UnknownParameter', 'Unsupported', 'UnsupportedOperation', 'InvalidAction', 'MissingAction', 'DryRunOperation',
    'InvalidPaginationToken', 'AuthFailure', 'UnauthorizedOperation', 'SignatureDoesNotMatch', 'IncompleteSignature',
    'MissingAuthenticationToken', 'RequestExpired', 'InvalidKeyPair.Duplicate', 'InvalidKey.Format', 'RequestTimeout', 'IdempotentParameterMismatch',
    'TagLimitExceeded', 'ResourceLimitExceeded', 'InternalError', 'Unavailable',
    ...SITUATIONAL_CODES,
  ]),
];
