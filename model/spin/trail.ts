import { type ColoAction, type ColoModelOptions, type ColoState, createColoModel } from '../colo/index.js';
import { type PromelaExport, type PromelaProperty, TRAIL_STEP } from '../promela/index.js';

/**
 * The lockstep steps of a trail's replay: each `LOCKSTEP_STEP k` line pan -r printed is option k of the
 * export's main loop, a ColoModel action. A number the export does not have is an error (a trail of
 * another model).
 * @public
 */
export function trailSteps(model: Pick<PromelaExport, 'actions'>, printed: string): ColoAction[] {
  const steps: ColoAction[] = [];
  for (const m of printed.matchAll(new RegExp(`^${TRAIL_STEP} (\\d+)$`, 'gm'))) {
    const action = model.actions[Number(m[1])];
    if (!action) throw new Error(`spin trail: step ${m[1]} is not an option of this export's main loop`);
    steps.push(action);
  }
  return steps;
}

/** A Spin counterexample replayed on lockstep's model. @public */
export interface ModelReplay {
  readonly steps: number;
  /** The first step the model refused (a disagreement between the export and the model), or null. */
  readonly refusedAt: number | null;
  /** The property is violated in the state the steps reach (deadlock: nothing enabled, not at rest). */
  readonly violated: boolean;
}

/**
 * Replays steps on the composed model (`createColoModel(options)`, from its initial state) and checks
 * the property at the state they reach: the same check lockstep's search makes, so a trail Spin found
 * is confirmed on the model, not taken on trust.
 * @public
 */
export function replayOnModel(
  options: ColoModelOptions,
  property: PromelaProperty,
  steps: readonly ColoAction[],
): ModelReplay {
  const model = createColoModel(options);
  let st: ColoState = model.initStates()[0]!;
  for (let i = 0; i < steps.length; i++) {
    const next = model.nextState(st, steps[i]!);
    if (!next) return { steps: steps.length, refusedAt: i, violated: false };
    st = next;
  }
  let violated: boolean;
  if (property === 'deadlock') {
    const out: ColoAction[] = [];
    model.actions(st, out);
    violated = out.every((a) => model.nextState(st, a) === null) && !model.isEndState(st);
  } else {
    const check = model.properties().find((p) => p.name === property);
    if (!check) throw new Error(`spin trail: lockstep's model has no property ${property}`);
    violated = !check.holds(st);
  }
  return { steps: steps.length, refusedAt: null, violated };
}
