import { type ColoModelOptions, createColoModel } from '../colo/index.js';
import { checker } from '../engine/index.js';
import {
  exportPromela,
  PROMELA_PROPERTIES,
  type PromelaExport,
  type PromelaProperty,
  type PromelaTables,
  promelaPropertyNumber,
} from '../promela/index.js';
import { machinery } from './machinery.js';
import { buildPan, type PanResult, removePan, runPan } from './run-spin.js';

/** lockstep and Spin on one configuration: distinct states and each property's verdict. @public */
export interface CrossCheck {
  readonly options: ColoModelOptions;
  readonly lockstep: { readonly states: number; readonly violated: readonly PromelaProperty[] };
  readonly spin: { readonly states: number; readonly violated: readonly PromelaProperty[] };
  /**
   * Assertions of the model's own machinery that failed (a transition the tables lack, a link queue
   * over capacity): they stop pan whatever property it checks, so they are reported apart.
   */
  readonly problems: readonly string[];
  /** Same state count, same verdicts, no problem. */
  readonly agree: boolean;
}

/**
 * Exports the configuration (its tables compiled by search, or by closure), counts Spin's states with nothing asserted, then runs pan once per
 * property. A property counts as violated for lockstep when its BFS found a counterexample (a finding
 * such as split-brain included: Spin has no such distinction).
 * @public
 */
export async function crossCheck(
  options: ColoModelOptions,
  compile: PromelaTables = 'search',
): Promise<CrossCheck> {
  return crossCheckExport(options, exportPromela(options, undefined, compile));
}

/** {@link crossCheck} of an export already made (the tests tamper with one to see Spin object). @public */
export async function crossCheckExport(options: ColoModelOptions, model: PromelaExport): Promise<CrossCheck> {
  // tables from a bounded search are an under-approximation: their count cannot agree with a full search
  if (model.bounded)
    throw new Error(
      'crossCheck: the export has tables from a bounded search; compare a search or closure export',
    );
  // tables compiled by closure: lockstep's side of the comparison is a search of its own
  const report = model.report ?? checker(createColoModel(options)).spawnBfs();
  const build = await buildPan(model);
  const problems = new Set<string>();
  const violated: PromelaProperty[] = [];
  let count: PanResult;
  try {
    count = await runPan(build, 0);
    const countProblem = machinery(count.assertion);
    if (countProblem) problems.add(countProblem);
    for (const property of PROMELA_PROPERTIES) {
      const result = await runPan(build, promelaPropertyNumber(property));
      const problem = machinery(result.assertion);
      if (problem) problems.add(problem);
      else if (result.errors > 0) violated.push(property);
    }
  } finally {
    await removePan(build);
  }
  const ours = PROMELA_PROPERTIES.filter((p) =>
    report.violations.some((v: { property: string }) => v.property === p),
  );
  const agree =
    problems.size === 0 &&
    count.states === report.states &&
    !count.partial &&
    ours.length === violated.length &&
    ours.every((p) => violated.includes(p));
  return {
    options,
    lockstep: { states: report.states, violated: ours },
    spin: { states: count.states, violated },
    problems: [...problems],
    agree,
  };
}
