/**
 * ClientToken idempotency: one row per (project, region, action, token). A request claims the token before it
 * creates anything (an empty result marks it in flight), and records its answer when done; a failed request
 * releases the token so that the client may retry with it.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from './db.js';
import type { Database } from './schema.js';
import { now } from './sql.js';

export interface TokenClaim { claimed: boolean; paramsHash: string; result: string; createdAt: string }

export class ClientTokensRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: DialectName) {}

  /** Claims the token, or answers the row that holds it (result '' while its request is still running). */
  async claim(projectId: string, region: string, action: string, token: string, paramsHash: string): Promise<TokenClaim> {
    const row = { project_id: projectId, region, action, token, params_hash: paramsHash, result: '', created_at: now() };
    let q = this.db.insertInto('client_tokens').values(row);
    q = this.dialect === 'mysql' ? q.ignore() : q.onConflict((oc) => oc.doNothing());
    const inserted = await q.executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { claimed: true, paramsHash, result: '', createdAt: row.created_at };
    const held = await this.find(projectId, region, action, token);
    // Released between the insert and the read: claim again.
    if (!held) return this.claim(projectId, region, action, token, paramsHash);
    return { claimed: false, ...held };
  }

  async find(projectId: string, region: string, action: string, token: string): Promise<{ paramsHash: string; result: string; createdAt: string } | undefined> {
    const r = await this.db.selectFrom('client_tokens').select(['params_hash', 'result', 'created_at'])
      .where('project_id', '=', projectId).where('region', '=', region).where('action', '=', action).where('token', '=', token)
      .executeTakeFirst();
    return r && { paramsHash: r.params_hash, result: r.result, createdAt: String(r.created_at) };
  }

  async complete(projectId: string, region: string, action: string, token: string, result: string): Promise<void> {
    await this.db.updateTable('client_tokens').set({ result })
      .where('project_id', '=', projectId).where('region', '=', region).where('action', '=', action).where('token', '=', token).execute();
  }

  async release(projectId: string, region: string, action: string, token: string): Promise<void> {
    await this.db.deleteFrom('client_tokens')
      .where('project_id', '=', projectId).where('region', '=', region).where('action', '=', action).where('token', '=', token).execute();
  }
}
