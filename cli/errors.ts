/** Exit code for bad input: an unknown name, a missing argument, an unknown option. @public */
export const EXIT_USAGE = 2;
/** Exit code when the input was fine but the work failed (for example a file could not be written). @public */
export const EXIT_FAILURE = 1;
/**
 * Exit code of `lockstep check` when the search was cut short (a depth, state or time limit, a simulation)
 * and found no violation: nothing was proven, so neither 0 nor 1 would be true. @public
 */
export const EXIT_INCOMPLETE = 3;

/**
 * A mistake on the command line. `main` prints its message as one line on stderr, prefixed with
 * `lockstep: `, and exits with {@link EXIT_USAGE}; the message should say what would have been valid.
 * @public
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Checks that `value` is one of `valid`, narrowing its type; otherwise throws a UsageError that lists
 * the valid names, e.g. `unknown machine "foo"; valid: migration-source, failover`.
 * @public
 */
export function parseChoice<T extends string>(kind: string, value: string, valid: readonly T[]): T {
  const match = valid.find((name) => name === value);
  if (match === undefined) throw new UsageError(`unknown ${kind} "${value}"; valid: ${valid.join(', ')}`);
  return match;
}
