/**
 * The EC2 store: what OpenStack has no place for (credentials of the local source, EC2 ids of backend objects,
 * EC2-only attributes, tags), as small repositories over one Kysely handle. All of the store's SQL lives in
 * this folder. `transaction` hands out the same repositories bound to one transaction, so a multi-table change
 * is all or nothing.
 */
import type { Kysely } from 'kysely';
import { ClientTokensRepo } from './client-tokens.js';
import { CredentialsRepo } from './credentials.js';
import type { DialectName, StoreDb } from './db.js';
import { ProjectsRepo } from './projects.js';
import { ResourcesRepo } from './resources.js';
import type { Database } from './schema.js';
import { TagsRepo } from './tags.js';

export type { Credential } from './credentials.js';
export type { Project } from './projects.js';
export type { Resource } from './resources.js';
export { isUniqueViolation } from './sql.js';
export type { Tag, TagQuery, TagRow } from './tags.js';

export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly projects: ProjectsRepo;
  readonly credentials: CredentialsRepo;
  readonly resources: ResourcesRepo;
  readonly tags: TagsRepo;
  readonly clientTokens: ClientTokensRepo;

  constructor({ db, dialect }: StoreDb) {
    this.db = db;
    this.dialect = dialect;
    this.projects = new ProjectsRepo(db);
    this.credentials = new CredentialsRepo(db, dialect);
    this.resources = new ResourcesRepo(db, dialect);
    this.tags = new TagsRepo(db, dialect);
    this.clientTokens = new ClientTokensRepo(db, dialect);
  }

  /** Runs `fn` with repositories bound to one transaction (or the caller's, when this store is already in one). */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new Store({ db: trx, dialect: this.dialect })));
  }

  close() {
    return this.db.destroy();
  }
}
