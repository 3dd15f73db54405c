/**
 * The action table: each resource area registers its operations with
 * defineAction(name, { supports, handler }). Handlers are typed by the model
 * (OperationTypes), so a wrong field name is a compile error. `supports` lists
 * the input members the action implements; any other member a client sends is
 * refused with Unsupported, never silently ignored. DryRun is handled by the
 * pipeline for every operation that has it.
 */
import type { OperationName, OperationTypes } from '../protocol/generated/operations.js';
import { operationModel } from '../protocol/model.js';
import type { ActionContext } from './context.js';

export type Input<N extends OperationName> = OperationTypes[N]['input'];
export type Output<N extends OperationName> = OperationTypes[N]['output'];

export interface ActionDef<N extends OperationName> {
  supports: readonly Exclude<keyof Input<N> & string, 'DryRun'>[];
  handler(ctx: ActionContext, input: Input<N>): Promise<Output<N>>;
}

export interface RegisteredAction {
  name: OperationName;
  supports: ReadonlySet<string>;
  handler(ctx: ActionContext, input: Record<string, unknown>): Promise<unknown>;
}

const registry = new Map<string, RegisteredAction>();

export function defineAction<N extends OperationName>(name: N, def: ActionDef<N>): void {
  const model = operationModel(name);
  if (!model) throw new Error(`defineAction: ${name} is not an operation of the EC2 model`);
  for (const member of def.supports) {
    if (!model.input.byName.has(member)) throw new Error(`defineAction(${name}): ${member} is not a member of its input`);
  }
  if (registry.has(name)) throw new Error(`defineAction: ${name} registered twice`);
  registry.set(name, {
    name,
    supports: new Set(def.supports),
    handler: def.handler as RegisteredAction['handler'],
  });
}

export const findAction = (name: string) => registry.get(name);
export const registeredActions = () => [...registry.keys()].sort();
