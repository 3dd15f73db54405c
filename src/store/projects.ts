/** Projects (tenants) of the local credential source: a name and the 12-digit account number EC2 shows as OwnerId. */
import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { isUniqueViolation, now } from './sql.js';

export interface Project { id: string; name: string; ownerId: string }

export class ProjectsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(name: string): Promise<Project> {
    const p = { id: randomUUID().replace(/-/g, ''), name, owner_id: String(randomInt(1e11, 1e12 - 1)).padStart(12, '0') };
    await this.db.insertInto('projects').values({ ...p, created_at: now() }).execute();
    return { id: p.id, name, ownerId: p.owner_id };
  }

  async find(nameOrId: string): Promise<Project | undefined> {
    const r = await this.db.selectFrom('projects').selectAll()
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)])).executeTakeFirst();
    return r && { id: r.id, name: r.name, ownerId: r.owner_id };
  }

  async getOrCreate(name: string): Promise<Project> {
    const existing = await this.find(name);
    if (existing) return existing;
    try {
      return await this.create(name);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const again = await this.find(name);
      if (!again) throw e;
      return again;
    }
  }
}
