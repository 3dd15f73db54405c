/**
 * The registry of resource kinds: the one place that lists them. Ids, the
 * not-found/malformed errors, tag validation, TagSpecifications and
 * DescribeTags' `resource-type` all read it. A new resource area adds one
 * entry here and one module of actions (src/actions/<area>.ts).
 *
 * EC2's error spellings are irregular (InvalidKeyPair.NotFound, InvalidVpcID.NotFound,
 * InvalidGroup.NotFound …), so each kind states its own.
 */
import type { ResourceType } from '@aws-sdk/client-ec2';

/** The provider service that owns the backend object; 'store' for EC2-only objects kept in the store. */
export type OwningService = 'compute' | 'network' | 'block-storage' | 'image' | 'store';

export interface KindSpec {
  /** Id prefix: `key` in key-0123456789abcdef0. */
  prefix: string;
  /** EC2's resource type (TagSpecification.ResourceType, DescribeTags resource-type); absent for kinds EC2 cannot tag (associations …). */
  resourceType?: ResourceType;
  /** Singular noun for messages: "The key pair ID 'key-…' does not exist". */
  label: string;
  /** Error code when an id (or name) of this kind does not exist. */
  notFound: string;
  /** Error code when an id of this kind is malformed. */
  malformed: string;
  taggable: boolean;
  service: OwningService;
}

const defineKinds = <K extends string>(kinds: Record<K, KindSpec>) => kinds;

export const KINDS = defineKinds({
  // AWS has no Malformed code for key pair ids: a bad one is InvalidID.
  'key-pair': {
    prefix: 'key', resourceType: 'key-pair', label: 'key pair',
    notFound: 'InvalidKeyPair.NotFound', malformed: 'InvalidID', taggable: true, service: 'compute',
  },
  // The VPC API. 'network' kinds are Neutron objects (VPC: a router; subnet: a network with its subnet; security
  // group and rule; network interface: a port; Elastic IP: a floating IP); 'store' kinds exist only in the store.
  vpc: {
    prefix: 'vpc', resourceType: 'vpc', label: 'vpc',
    notFound: 'InvalidVpcID.NotFound', malformed: 'InvalidVpcID.Malformed', taggable: true, service: 'network',
  },
  'vpc-cidr-association': {
    prefix: 'vpc-cidr-assoc', label: 'association',
    notFound: 'InvalidVpcCidrBlockAssociationID.NotFound', malformed: 'InvalidVpcCidrBlockAssociationID.Malformed', taggable: false, service: 'store',
  },
  subnet: {
    prefix: 'subnet', resourceType: 'subnet', label: 'subnet',
    notFound: 'InvalidSubnetID.NotFound', malformed: 'InvalidSubnetID.Malformed', taggable: true, service: 'network',
  },
  'subnet-cidr-association': {
    prefix: 'subnet-cidr-assoc', label: 'association',
    notFound: 'InvalidSubnetCidrBlockAssociationID.NotFound', malformed: 'InvalidSubnetCidrBlockAssociationID.Malformed', taggable: false, service: 'store',
  },
  'route-table': {
    prefix: 'rtb', resourceType: 'route-table', label: 'routeTable',
    notFound: 'InvalidRouteTableID.NotFound', malformed: 'InvalidRouteTableID.Malformed', taggable: true, service: 'store',
  },
  'route-table-association': {
    prefix: 'rtbassoc', label: 'association',
    notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.Malformed', taggable: false, service: 'store',
  },
  'internet-gateway': {
    prefix: 'igw', resourceType: 'internet-gateway', label: 'internetGateway',
    notFound: 'InvalidInternetGatewayID.NotFound', malformed: 'InvalidInternetGatewayID.Malformed', taggable: true, service: 'store',
  },
  'dhcp-options': {
    prefix: 'dopt', resourceType: 'dhcp-options', label: 'dhcp option',
    notFound: 'InvalidDhcpOptionID.NotFound', malformed: 'InvalidDhcpOptionsId.Malformed', taggable: true, service: 'store',
  },
  'network-acl': {
    prefix: 'acl', resourceType: 'network-acl', label: 'network ACL',
    notFound: 'InvalidNetworkAclID.NotFound', malformed: 'InvalidNetworkAclID.Malformed', taggable: true, service: 'store',
  },
  'network-acl-association': {
    prefix: 'aclassoc', label: 'association',
    notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.Malformed', taggable: false, service: 'store',
  },
  'security-group': {
    prefix: 'sg', resourceType: 'security-group', label: 'security group',
    notFound: 'InvalidGroup.NotFound', malformed: 'InvalidGroupId.Malformed', taggable: true, service: 'network',
  },
  'security-group-rule': {
    prefix: 'sgr', resourceType: 'security-group-rule', label: 'security group rule',
    notFound: 'InvalidSecurityGroupRuleId.NotFound', malformed: 'InvalidSecurityGroupRuleId.Malformed', taggable: true, service: 'network',
  },
  'network-interface': {
    prefix: 'eni', resourceType: 'network-interface', label: 'network interface',
    notFound: 'InvalidNetworkInterfaceID.NotFound', malformed: 'InvalidNetworkInterfaceID.Malformed', taggable: true, service: 'network',
  },
  'network-interface-attachment': {
    prefix: 'eni-attach', label: 'attachment',
    notFound: 'InvalidAttachmentID.NotFound', malformed: 'InvalidAttachmentID.Malformed', taggable: false, service: 'store',
  },
  'network-interface-permission': {
    prefix: 'eni-perm', label: 'network interface permission',
    notFound: 'InvalidPermissionID.NotFound', malformed: 'InvalidPermissionID.Malformed', taggable: false, service: 'store',
  },
  'elastic-ip': {
    prefix: 'eipalloc', resourceType: 'elastic-ip', label: 'allocation',
    notFound: 'InvalidAllocationID.NotFound', malformed: 'InvalidAllocationID.Malformed', taggable: true, service: 'network',
  },
  'elastic-ip-association': {
    prefix: 'eipassoc', label: 'association',
    notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.Malformed', taggable: false, service: 'store',
  },
  // Instances, images, volumes, snapshots, launch templates, placement groups.
  // compute: a Nova server / server group; image: a Glance image; block-storage: a Cinder volume / snapshot.
  instance: {
    prefix: 'i', resourceType: 'instance', label: 'instance',
    notFound: 'InvalidInstanceID.NotFound', malformed: 'InvalidInstanceID.Malformed', taggable: true, service: 'compute',
  },
  reservation: {
    prefix: 'r', label: 'reservation',
    notFound: 'InvalidReservationID.NotFound', malformed: 'InvalidReservationID.Malformed', taggable: false, service: 'store',
  },
  image: {
    prefix: 'ami', resourceType: 'image', label: 'image',
    notFound: 'InvalidAMIID.NotFound', malformed: 'InvalidAMIID.Malformed', taggable: true, service: 'image',
  },
  // Kernel and ramdisk images are images too: resource type 'image' (which names the ami kind, listed first).
  'kernel-image': {
    prefix: 'aki', resourceType: 'image', label: 'image',
    notFound: 'InvalidAMIID.NotFound', malformed: 'InvalidAMIID.Malformed', taggable: true, service: 'image',
  },
  'ramdisk-image': {
    prefix: 'ari', resourceType: 'image', label: 'image',
    notFound: 'InvalidAMIID.NotFound', malformed: 'InvalidAMIID.Malformed', taggable: true, service: 'image',
  },
  volume: {
    prefix: 'vol', resourceType: 'volume', label: 'volume',
    notFound: 'InvalidVolume.NotFound', malformed: 'InvalidVolumeID.Malformed', taggable: true, service: 'block-storage',
  },
  snapshot: {
    prefix: 'snap', resourceType: 'snapshot', label: 'snapshot',
    notFound: 'InvalidSnapshot.NotFound', malformed: 'InvalidSnapshotID.Malformed', taggable: true, service: 'block-storage',
  },
  'launch-template': {
    prefix: 'lt', resourceType: 'launch-template', label: 'launch template',
    notFound: 'InvalidLaunchTemplateId.NotFound', malformed: 'InvalidLaunchTemplateId.Malformed', taggable: true, service: 'store',
  },
  'placement-group': {
    prefix: 'pg', resourceType: 'placement-group', label: 'placement group',
    notFound: 'InvalidPlacementGroup.Unknown', malformed: 'InvalidPlacementGroupId.Malformed', taggable: true, service: 'compute',
  },
});

export type Kind = keyof typeof KINDS;

export const kindSpec = (kind: Kind): KindSpec => KINDS[kind];

const byPrefix = new Map<string, Kind>(Object.entries(KINDS).map(([k, s]) => [(s as KindSpec).prefix, k as Kind]));
// The first kind of a type is the one a TagSpecification of that type makes (image: ami).
const byResourceType = new Map<string, Kind>(Object.entries(KINDS).reverse().flatMap(([k, s]) => {
  const type = (s as KindSpec).resourceType;
  return type ? [[type, k as Kind] as const] : [];
}));

export const kindOfPrefix = (prefix: string): Kind | undefined => byPrefix.get(prefix);
export const kindOfResourceType = (type: string): Kind | undefined => byResourceType.get(type);
export const allKinds = (): Kind[] => Object.keys(KINDS) as Kind[];
