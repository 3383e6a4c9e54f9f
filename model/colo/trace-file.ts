import { COLO_PROPERTIES } from './properties.js';
import type { ColoAction, ColoModelOptions } from './state.js';

/** What kind of property a name is, as trace files and `lockstep check` print it. @public */
export type PropertyKindName = 'safety' | 'deadlock' | 'liveness' | 'sometimes';

/** The kind of a property of the composed model by its name (`deadlock` is the checker's own). @public */
export const propertyKind = (property: string): PropertyKindName =>
  property === 'deadlock' ? 'deadlock' : (COLO_PROPERTIES.find((p) => p.name === property)?.kind ?? 'safety');

/**
 * One step of a saved counterexample: the action, and where the writer knows them, the value of each
 * side's COLO thread after it (for a person reading the file; `lockstep replay` reads the actions).
 * @public
 */
export interface TraceFileStep {
  readonly action: ColoAction;
  readonly primary?: string | null;
  readonly secondary?: string | null;
}

/**
 * A counterexample as a file `lockstep replay` reads (replay/trace-file.ts checks it): the one shape
 * `lockstep check --trace-out` and the Spin swarm's `--trace-out` both write.
 * @example
 * ```ts
 * const text = JSON.stringify(traceFile({ multifd: 1 }, 'split-brain', steps.map((action) => ({ action }))));
 * ```
 * @public
 */
export function traceFile(options: ColoModelOptions, property: string, steps: readonly TraceFileStep[]) {
  return { options, property, kind: propertyKind(property), steps };
}
