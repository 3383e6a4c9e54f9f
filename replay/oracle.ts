/**
 * The expected states: the trace replayed in the checker's composed model (model/colo), read only
 * through its exported API (createColoModel, initStates, nextState, nodeOf), so the model's internal
 * representation can change freely. This is the one place the runtime consults the model.
 * @packageDocumentation
 */
import type { NodeFixes, NodeState } from '../machines/index.js';
import {
  type ColoAction,
  type ColoModelOptions,
  createColoModel,
  fixesWithout,
  nodeOf,
} from '../model/index.js';

/** Both sides' nodes at one point of the trace. @public */
export interface SideStates {
  readonly primary: NodeState;
  readonly secondary: NodeState;
}

/** The model's states: after the bring-up, and after each step (null: the model refuses that step). @public */
export interface ExpectedStates {
  readonly initial: SideStates;
  readonly after: readonly (SideStates | null)[];
}

/** Replays `steps` in the composed model built from `options`. @public */
export function expectedStates(options: ColoModelOptions, steps: readonly ColoAction[]): ExpectedStates {
  const model = createColoModel(options);
  let st = model.initStates()[0]!;
  const sides = (s: typeof st): SideStates => ({
    primary: nodeOf(s, 'primary'),
    secondary: nodeOf(s, 'secondary'),
  });
  const initial = sides(st);
  const after: (SideStates | null)[] = [];
  for (const action of steps) {
    const next = model.nextState(st, action);
    if (!next) break;
    st = next;
    after.push(sides(st));
  }
  while (after.length < steps.length) after.push(null);
  return { initial, after };
}

/** The fixes a trace's nodes run with (model/colo's names mapped to machines/node's switches). @public */
export const traceFixes = (options: ColoModelOptions): NodeFixes =>
  fixesWithout(options.withoutFix ?? [], options.withFix ?? []);
