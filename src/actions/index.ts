/** Loads every resource area, which registers its actions. */
import './account-attributes.js';
import './addresses.js';
import './default-vpc.js';
import './dhcp-options.js';
import './internet-gateways.js';
import './key-pairs.js';
import './network-acls.js';
import './launch-templates.js';
import './network-interfaces.js';
import './placement-groups.js';
import './regions.js';
import './route-tables.js';
import './security-groups.js';
import './subnets.js';
import './tags.js';
import './vpcs.js';

export { findAction, registeredActions } from './registry.js';
