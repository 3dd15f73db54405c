/** What an action gets: who calls, where, and the services it may use. Built by the pipeline per request. */
import type { Principal } from '../auth/types.js';
import type { CloudContext, CloudProvider } from '../cloud/provider.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/log.js';
import type { Store } from '../store/store.js';

export interface ActionContext {
  requestId: string;
  action: string;
  region: string;
  principal: Principal;
  /** Shorthand for principal.projectId: every store call is scoped by it. */
  projectId: string;
  store: Store;
  cloud: CloudProvider;
  /** The provider call context (project, region, caller's backend credentials, abort signal). */
  cloudCtx: CloudContext;
  config: Config;
  logger: Logger;
  /** This API's URL as the client reached it (or as configured): DescribeRegions' Endpoint. */
  endpoint: string;
}
