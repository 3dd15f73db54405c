/** Loads every resource area, which registers its actions. */
import './account-attributes.js';
import './key-pairs.js';
import './network-interfaces.js';
import './regions.js';
import './subnets.js';
import './tags.js';
import './vpcs.js';

export { findAction, registeredActions } from './registry.js';
