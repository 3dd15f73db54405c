/**
 * The OpenStack backend: thin REST adapters over Nova, Neutron, Cinder and
 * Glance, acting as the calling user with the token Keystone issued for the
 * caller's EC2 credential, so the cloud's own policies apply. Endpoints come
 * from the caller's service catalog.
 */
import type { CredentialSource } from '../../auth/types.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observability/log.js';
import type { Metrics } from '../../observability/metrics.js';
import type { CloudProvider } from '../provider.js';
import { serviceCaller } from './catalog.js';
import { cinderBlockStorage } from './cinder.js';
import { KeystoneCredentialSource } from './credentials.js';
import { glanceImage } from './glance.js';
import { Upstream } from './http.js';
import { Keystone, keystoneIdentity } from './keystone.js';
import { neutronNetwork } from './neutron.js';
import { novaCompute } from './nova.js';

export async function createOpenStack(config: Config, metrics: Metrics, logger: Logger): Promise<{ cloud: CloudProvider; credentials: CredentialSource }> {
  const os = config.openstack;
  const ks = config.keystone_authtoken;
  const http = new Upstream(os.timeout * 1000, os.max_connections, metrics, logger.child({ component: 'openstack' }));
  const keystone = new Keystone(http, {
    authUrl: ks.auth_url, username: ks.username, password: ks.password, projectName: ks.project_name,
    userDomainName: ks.user_domain_name, projectDomainName: ks.project_domain_name, interface: os.interface,
  });
  const caller = (service: string, types: string[], prefix?: string) => serviceCaller(http, os.interface, service, types, prefix);
  const cloud: CloudProvider = {
    name: 'openstack',
    compute: novaCompute(caller('compute', ['compute'])),
    network: neutronNetwork(caller('network', ['network'], '/v2.0')),
    blockStorage: cinderBlockStorage(caller('block-storage', ['block-storage', 'volumev3'])),
    image: glanceImage(caller('image', ['image'], '/v2')),
    identity: keystoneIdentity(keystone),
    close: () => http.close(),
  };
  return { cloud, credentials: new KeystoneCredentialSource(keystone, os.credential_cache_ttl) };
}
