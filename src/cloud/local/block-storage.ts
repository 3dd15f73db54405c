/** The embedded cloud's Cinder: quotas, from the [local] configuration. */
import type { Config } from '../../config/config.js';
import type { BlockStorageService } from '../provider.js';
import { unimplemented } from '../unimplemented.js';

export function localBlockStorage(config: Config): BlockStorageService {
  return {
    async getQuotas() {
      return { volumes: config.local.max_volumes, gigabytes: config.local.max_volume_gigabytes, snapshots: config.local.max_snapshots };
    },
    ...unimplemented('listVolumeTypes', 'createVolume', 'getVolume', 'listVolumes', 'deleteVolume', 'extendVolume', 'retypeVolume', 'updateVolume', 'createSnapshot', 'getSnapshot', 'listSnapshots', 'deleteSnapshot'),
  };
}
