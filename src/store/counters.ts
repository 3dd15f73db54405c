/**
 * Change counters (table `counters`): a process that changes something other
 * processes cache bumps its counter in the same transaction as the change; the
 * caching processes — workers, other hosts on the same database — poll it with
 * one tiny query and drop their cache when it moves.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/** Bumped by every change of the credentials table (ec2-api-manage credentials create/delete). */
export const CREDENTIALS_COUNTER = 'credentials';

/** Adds one to a counter; pass the transaction of the change. */
export async function bumpCounter(db: Kysely<Database>, name: string): Promise<void> {
  await db.updateTable('counters').set({ value: sql`value + 1` }).where('name', '=', name).execute();
}

export async function readCounter(db: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : Number(row.value);
}

export interface CounterWatch {
  stop(): Promise<void>;
}

/**
 * Polls a counter every `intervalMs` (the timer does not keep the process alive)
 * and calls `onChange` when its value differs from the last one read (and after
 * the first read). A failed
 * read is reported once through `onError` until a read succeeds again.
 */
export function watchCounter(
  db: Kysely<Database>, name: string,
  opts: { intervalMs: number; onChange: () => void; onError?: (e: unknown) => void; onRecover?: () => void },
): CounterWatch {
  let last: number | undefined;
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const poll = async () => {
    try {
      const value = await readCounter(db, name);
      if (failing) opts.onRecover?.();
      failing = false;
      // Also on the first read: what was cached before it may predate a change.
      if (value !== last) opts.onChange();
      last = value;
    } catch (e) {
      if (!failing && !stopped) opts.onError?.(e);
      failing = true;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll().finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  running = poll().finally(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
