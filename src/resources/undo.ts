/**
 * Create with undo: an action that makes several upstream objects records each step with its undo; when a later
 * step fails, the recorded undos run in reverse order and the first error is rethrown, so nothing is left
 * half-made and no action hand-writes cleanup. An undo that fails is logged (the object is then left for the
 * operator) and does not hide the original error.
 */
import type { ActionContext } from '../actions/context.js';
import type { CloudContext } from '../cloud/provider.js';

export class Undo {
  private readonly steps: { label: string; undo: () => Promise<unknown> }[] = [];

  /** The provider context for undos: without the request's abort signal, which may be what failed. */
  readonly cloudCtx: CloudContext;

  constructor(ctx: ActionContext) {
    this.cloudCtx = { ...ctx.cloudCtx, signal: undefined };
  }

  /** Runs `make`; once it has succeeded, `undo` (given its result) is recorded for a rollback. */
  async step<T>(label: string, make: () => Promise<T>, undo: (made: T) => Promise<unknown>): Promise<T> {
    const made = await make();
    this.steps.push({ label, undo: () => undo(made) });
    return made;
  }

  /** @internal */
  async rollback(ctx: ActionContext): Promise<void> {
    for (const { label, undo } of this.steps.reverse()) {
      try {
        await undo();
      } catch (e) {
        ctx.logger.error('undo failed: an object may be left behind', {
          request_id: ctx.requestId, action: ctx.action, step: label, error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
}

export async function createWithUndo<T>(ctx: ActionContext, create: (undo: Undo) => Promise<T>): Promise<T> {
  const undo = new Undo(ctx);
  try {
    return await create(undo);
  } catch (e) {
    await undo.rollback(ctx);
    throw e;
  }
}
