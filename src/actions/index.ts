/** Loads every resource area, which registers its actions. */
import './account-attributes.js';
import './default-vpc.js';
import './key-pairs.js';
import './regions.js';
import './subnets.js';
import './tags.js';
import './vpcs.js';

export { findAction, registeredActions } from './registry.js';
