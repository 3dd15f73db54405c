/**
 * The VPC API's EC2-only state, as each kind keeps it in the store (`resources.attrs`). This is the contract
 * between the VPC areas (src/actions/vpcs.ts, subnets.ts, route-tables.ts, internet-gateways.ts,
 * dhcp-options.ts, network-acls.ts, security-groups.ts, network-interfaces.ts, addresses.ts): each area owns its
 * kind's attributes and reads the others' through these types.
 *
 * Backend objects (Neutron's shape, both providers): a VPC is a router (osId), a subnet a Neutron subnet (osId)
 * on its own network (networkId) with a router interface, a security group a Neutron group, a rule a Neutron
 * rule, a network interface a port, an Elastic IP a floating IP. Route tables, internet gateways, DHCP option
 * sets, network ACLs and every association live only in the store (osId = the EC2 id).
 */

export type AssociationState = 'associating' | 'associated' | 'disassociating' | 'disassociated' | 'failing' | 'failed';

export interface VpcCidrAssociation { associationId: string; cidrBlock: string; state: AssociationState }
export interface VpcIpv6Association { associationId: string; ipv6CidrBlock: string; state: AssociationState; networkBorderGroup: string }

export interface VpcAttrs {
  /** The primary IPv4 block (also the first of cidrAssociations). */
  cidrBlock: string;
  cidrAssociations: VpcCidrAssociation[];
  ipv6Associations: VpcIpv6Association[];
  instanceTenancy: 'default' | 'dedicated' | 'host';
  isDefault: boolean;
  /** 'default' (AWS's "default" option set: AmazonProvidedDNS) or a dopt- id. */
  dhcpOptionsId: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
  mainRouteTableId: string;
  defaultSecurityGroupId: string;
  defaultNetworkAclId: string;
}

export interface SubnetIpv6Association {
  associationId: string;
  ipv6CidrBlock: string;
  state: AssociationState;
  /** The IPv6 Neutron subnet on the subnet's network that realizes the block upstream. */
  osSubnetId?: string;
}

export interface SubnetAttrs {
  vpcId: string;
  /** The IPv4 block (Neutron's subnet has it too; kept here so that checks and Describes need no upstream call). */
  cidrBlock: string;
  /** The Neutron network the subnet is the only subnet of. */
  networkId: string;
  availabilityZone: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  assignIpv6AddressOnCreation: boolean;
  enableDns64: boolean;
  privateDnsHostnameTypeOnLaunch: 'ip-name' | 'resource-name';
  /** ModifySubnetAttribute EnableResourceNameDnsARecordOnLaunch / …AAAARecordOnLaunch (absent: false). */
  enableResourceNameDnsARecord?: boolean;
  enableResourceNameDnsAAAARecord?: boolean;
  ipv6Associations: SubnetIpv6Association[];
}

export interface RouteEntry {
  destinationCidrBlock?: string;
  destinationIpv6CidrBlock?: string;
  /** 'local', an igw- or a vgw- id. */
  gatewayId?: string;
  networkInterfaceId?: string;
  instanceId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute' | 'EnableVgwRoutePropagation';
}

export interface RouteTableAssociationEntry {
  associationId: string;
  main: boolean;
  subnetId?: string;
  gatewayId?: string;
}

export interface RouteTableAttrs {
  vpcId: string;
  routes: RouteEntry[];
  associations: RouteTableAssociationEntry[];
  propagatingVgws: string[];
}

export interface InternetGatewayAttrs {
  /** The VPC it is attached to. */
  vpcId?: string;
}

export interface DhcpConfiguration { key: string; values: string[] }
export interface DhcpOptionsAttrs {
  configurations: DhcpConfiguration[];
  /** The project's default set (the region's internal domain, AmazonProvidedDNS), made with its first VPC. */
  isDefault?: boolean;
}

export interface NetworkAclEntryAttrs {
  ruleNumber: number;
  egress: boolean;
  protocol: string;
  ruleAction: 'allow' | 'deny';
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  icmpTypeCode?: { type: number; code: number };
  portRange?: { from: number; to: number };
}

export interface NetworkAclAttrs {
  vpcId: string;
  isDefault: boolean;
  entries: NetworkAclEntryAttrs[];
  associations: { associationId: string; subnetId: string }[];
}

export interface SecurityGroupAttrs {
  vpcId: string;
  /** EC2's group name: Neutron's name of a VPC's default group is the VPC id, its EC2 name 'default'. */
  groupName: string;
  description: string;
  isDefault: boolean;
}

export interface SecurityGroupRuleAttrs { groupId: string }

export interface NetworkInterfaceAttachmentAttrs {
  attachmentId: string;
  instanceId?: string;
  deviceIndex: number;
  deleteOnTermination: boolean;
  attachTime: string;
  networkCardIndex?: number;
}

export interface NetworkInterfaceAttrs {
  vpcId: string;
  subnetId: string;
  description: string;
  sourceDestCheck: boolean;
  interfaceType: 'interface' | string;
  /** The primary private IPv4 address (Neutron does not keep the order of fixed IPs). */
  primaryIp: string;
  attachment?: NetworkInterfaceAttachmentAttrs;
  requesterManaged: boolean;
}

export interface ElasticIpAttrs {
  /** eipassoc- id while associated through EC2 (the floating IP's port and fixed address are the truth upstream). */
  associationId?: string;
  /** The port and fixed address the association was made for: an association made or undone outside EC2 shows through. */
  associatedPortId?: string;
  associatedIp?: string;
  /** The reverse-DNS name set by ModifyAddressAttribute (without the trailing dot); kept, not published. */
  domainName?: string;
}

/** A network interface permission (store only): one of awsAccountId / awsService. */
export interface NetworkInterfacePermissionAttrs {
  networkInterfaceId: string;
  awsAccountId?: string;
  awsService?: string;
  permission: 'INSTANCE-ATTACH' | 'EIP-ASSOCIATE';
}
