/** Cinder (block-storage v3; the catalog's endpoint already names the project): quotas. */
import type { BlockStorageService } from '../provider.js';
import type { ServiceCaller } from './catalog.js';
import { unimplemented } from '../unimplemented.js';

export function cinderBlockStorage(call: ServiceCaller): BlockStorageService {
  return {
    async getQuotas(ctx) {
      const res = await call<{ quota_set: { volumes: number; gigabytes: number; snapshots: number } }>(ctx, { method: 'GET', path: `/os-quota-sets/${ctx.projectId}` });
      const q = res.body.quota_set;
      return { volumes: q.volumes, gigabytes: q.gigabytes, snapshots: q.snapshots };
    },
    ...unimplemented('listVolumeTypes', 'createVolume', 'getVolume', 'listVolumes', 'deleteVolume', 'extendVolume', 'retypeVolume', 'updateVolume', 'createSnapshot', 'getSnapshot', 'listSnapshots', 'deleteSnapshot'),
  };
}
