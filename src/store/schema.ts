/** The store's tables, as Kysely sees them. Timestamps are ISO 8601 strings: one form on all three dialects. */
export interface ProjectsTable {
  id: string;
  name: string;
  owner_id: string;
  created_at: string;
}

export interface CredentialsTable {
  access_key: string;
  secret: string;
  project_id: string;
  user_id: string;
  created_at: string;
}

/** EC2 id ↔ backend id, plus the EC2-only attributes of the object (JSON). */
export interface ResourcesTable {
  id: string;
  project_id: string;
  region: string;
  kind: string;
  os_id: string;
  attrs: string;
  created_at: string;
}

export interface TagsTable {
  project_id: string;
  resource_id: string;
  key: string;
  value: string;
}

export interface ClientTokensTable {
  project_id: string;
  region: string;
  action: string;
  token: string;
  params_hash: string;
  result: string;
  created_at: string;
}

/** Change counters: bumped in the transaction of a change, polled by the processes that cache what changed. */
export interface CountersTable {
  name: string;
  value: number | string | bigint;
}

export interface Database {
  projects: ProjectsTable;
  credentials: CredentialsTable;
  resources: ResourcesTable;
  tags: TagsTable;
  client_tokens: ClientTokensTable;
  counters: CountersTable;
}
