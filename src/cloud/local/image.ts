/**
 * The embedded cloud's Glance: the images of a region (local_images). Empty
 * until a catalogue is seeded; `addImage` is how images get in.
 */
import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { checkQuery, markerNotFound, pageOf } from '../paging.js';
import type { CloudContext, ImageService } from '../provider.js';
import type { ImageRecord } from '../records.js';
import type { LocalCloudDatabase, LocalImagesTable } from './schema.js';
import { unimplemented } from '../unimplemented.js';

const toRecord = (r: LocalImagesTable): ImageRecord => ({
  id: r.id, name: r.name, status: r.status, visibility: r.visibility as ImageRecord['visibility'], owner: r.owner,
  diskFormat: r.disk_format ?? undefined, containerFormat: r.container_format ?? undefined, createdAt: new Date(r.created_at),
});

export function localImage(db: Kysely<LocalCloudDatabase>): ImageService {
  // As Glance lists by default: public images and the project's own.
  const visible = (ctx: CloudContext) =>
    db.selectFrom('local_images').selectAll().where('region', '=', ctx.region)
      .where((eb: ExpressionBuilder<LocalCloudDatabase, 'local_images'>) => eb.or([eb('visibility', '=', 'public'), eb('owner', '=', ctx.projectId)]));

  return {
    async listImages(ctx, query = {}) {
      checkQuery(query);
      if (query.ids?.length === 0) return { items: [] };
      let q = visible(ctx);
      if (query.ids) q = q.where('id', 'in', query.ids);
      if (query.filters?.owner !== undefined) q = q.where('owner', '=', query.filters.owner);
      if (query.filters?.visibility !== undefined) q = q.where('visibility', '=', query.filters.visibility);
      if (query.marker !== undefined) {
        const m = await visible(ctx).where('id', '=', query.marker).executeTakeFirst();
        if (!m) throw markerNotFound(query.marker);
        q = q.where((eb) => eb.or([
          eb('created_at', '>', m.created_at),
          eb.and([eb('created_at', '=', m.created_at), eb('id', '>', m.id)]),
        ]));
      }
      q = q.orderBy('created_at').orderBy('id');
      if (query.limit !== undefined) q = q.limit(query.limit + 1);
      return pageOf((await q.execute()).map(toRecord), query.limit, (i) => i.id);
    },
    async getImage(ctx, id) {
      const r = await visible(ctx).where('id', '=', id).executeTakeFirst();
      return r && toRecord(r);
    },
    ...unimplemented('createImage', 'updateImage', 'deleteImage', 'listImageMembers', 'addImageMember', 'removeImageMember'),
  };
}

export interface NewImage {
  owner: string;
  name: string;
  visibility: ImageRecord['visibility'];
  status?: string;
  diskFormat?: string;
  containerFormat?: string;
}

/** Puts an image into a region of the embedded cloud (a catalogue seed, or a test's fixture). */
export async function addImage(db: Kysely<LocalCloudDatabase>, region: string, image: NewImage): Promise<ImageRecord> {
  const row: LocalImagesTable = {
    id: randomUUID(), region, owner: image.owner, name: image.name, status: image.status ?? 'queued',
    visibility: image.visibility, disk_format: image.diskFormat ?? null, container_format: image.containerFormat ?? null,
    created_at: new Date().toISOString(),
  };
  await db.insertInto('local_images').values(row).execute();
  return toRecord(row);
}

export async function removeImage(db: Kysely<LocalCloudDatabase>, id: string): Promise<void> {
  await db.deleteFrom('local_images').where('id', '=', id).execute();
}
