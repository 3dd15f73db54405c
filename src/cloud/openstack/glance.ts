/** Glance v2: images, listed oldest first (sort created_at:asc, id:asc) so that limit/marker page stably. */
import { ProviderError } from '../errors.js';
import { checkQuery, markerNotFound, pageOf } from '../paging.js';
import type { ImageService } from '../provider.js';
import type { ImageRecord } from '../records.js';
import { collect, type ServiceCaller } from './catalog.js';
import { unimplemented } from '../unimplemented.js';

interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility: ImageRecord['visibility'];
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  created_at: string;
}

const toRecord = (i: GlanceImage): ImageRecord => ({
  id: i.id, name: i.name ?? '', status: i.status, visibility: i.visibility, owner: i.owner ?? '',
  diskFormat: i.disk_format ?? undefined, containerFormat: i.container_format ?? undefined, createdAt: new Date(i.created_at),
});

export function glanceImage(call: ServiceCaller): ImageService {
  return {
    async listImages(ctx, query = {}) {
      checkQuery(query);
      if (query.ids?.length === 0) return { items: [] };
      const want = query.limit === undefined ? Number.POSITIVE_INFINITY : query.limit + 1;
      const base = new URLSearchParams([['sort_key', 'created_at'], ['sort_dir', 'asc'], ['sort_key', 'id'], ['sort_dir', 'asc']]);
      // Image ids are UUIDs: no quoting needed in Glance's `in:` list.
      if (query.ids) base.set('id', `in:${[...new Set(query.ids)].join(',')}`);
      if (query.filters?.owner !== undefined) base.set('owner', query.filters.owner);
      if (query.filters?.visibility !== undefined) base.set('visibility', query.filters.visibility);
      // Glance clamps a page to its api_limit_max and gives `next` while pages are full.
      const images = await collect(want, query.marker, async (limit, marker) => {
        const params = new URLSearchParams(base);
        if (limit !== undefined) params.set('limit', String(limit));
        if (marker !== undefined) params.set('marker', marker);
        const res = await call<{ images: GlanceImage[]; next?: string }>(ctx, { method: 'GET', path: `/images?${params}`, accept: [403] });
        // Glance: an unknown marker is a 400, an image the caller may not see a 403.
        if (res.status === 403) throw marker !== undefined ? markerNotFound(marker) : new ProviderError('Forbidden', String(res.body));
        return { items: res.body.images.map(toRecord), more: res.body.next !== undefined };
      }, (i) => i.id);
      return pageOf(images, query.limit, (i) => i.id);
    },
    async getImage(ctx, id) {
      const res = await call<GlanceImage>(ctx, { method: 'GET', path: `/images/${encodeURIComponent(id)}`, accept: [404] });
      return res.status === 404 ? undefined : toRecord(res.body);
    },
    ...unimplemented('createImage', 'updateImage', 'deleteImage', 'listImageMembers', 'addImageMember', 'removeImageMember'),
  };
}
