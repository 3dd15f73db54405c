/**
 * The embedded cloud's tables, as Kysely sees them. They live in the store's
 * database but belong to the cloud (src/cloud/local/migrations.ts), never to the
 * EC2 store. Timestamps are ISO 8601 strings: one form on all three dialects.
 */

/** Nova key pairs, per project and region. */
export interface LocalKeyPairsTable {
  project_id: string;
  region: string;
  name: string;
  public_key: string;
  created_at: string;
}

/** Glance images, per region; `owner` is the owning project. */
export interface LocalImagesTable {
  id: string;
  region: string;
  owner: string;
  name: string;
  status: string;
  visibility: string;
  disk_format: string | null;
  container_format: string | null;
  created_at: string;
}

export interface LocalCloudDatabase {
  local_key_pairs: LocalKeyPairsTable;
  local_images: LocalImagesTable;
}
