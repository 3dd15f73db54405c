/** The OpenStack backend (in progress in this session). */
import type { CredentialSource } from '../../auth/types.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observability/log.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import type { CloudProvider } from '../provider.js';

export async function createOpenStack(_config: Config, _store: Store, _metrics: Metrics, _logger: Logger): Promise<{ cloud: CloudProvider; credentials: CredentialSource }> {
  throw new Error('the OpenStack backend is not available in this build');
}
