/** Placeholder for provider methods whose implementation is in progress (to be removed once all land). */
import { ProviderError } from './errors.js';

export const unimplemented = <T extends string>(...names: T[]) =>
  Object.fromEntries(names.map((n) => [n, async () => { throw new ProviderError('Unavailable', `${n} is not implemented`); }])) as
    Record<T, () => Promise<never>>;
