import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ColoAction,
  type ColoModelOptions,
  checker,
  createColoModel,
  nodeOf,
} from '../../model/index.js';
import { tempDir as freshDir } from '../support/temp-dir.js';

/** A fresh temporary directory for one test's traces and logs. */
export const tempDir = (): Promise<string> => freshDir('lockstep-replay-');

/**
 * Runs the checker in-process and saves the shortest counterexample of `property` as `lockstep check`
 * does ({options, property, kind, steps:[{action, primary, secondary}]}). Returns the file's path.
 */
export async function saveTrace(dir: string, options: ColoModelOptions, property: string): Promise<string> {
  const report = checker(createColoModel(options)).spawnBfs();
  const violation = report.violations.find((v) => v.property === property);
  if (!violation?.trace)
    throw new Error(`the checker found no ${property} trace for ${JSON.stringify(options)}`);
  const colo = (st: (typeof violation.trace.states)[number], side: 'primary' | 'secondary') => {
    const node = nodeOf(st, side);
    return node.colo ? String(node.colo.value) : null;
  };
  const steps = violation.trace.actions.map((action, i) => ({
    action,
    primary: colo(violation.trace!.states[i + 1]!, 'primary'),
    secondary: colo(violation.trace!.states[i + 1]!, 'secondary'),
  }));
  const path = join(dir, `${property}.json`);
  await writeFile(path, JSON.stringify({ options, property, kind: violation.kind, steps }, null, 2));
  return path;
}

/** The four counterexamples docs/checker.md and replay.md name: how the checker is asked for each. */
export const NAMED_TRACES = {
  /** return-path-reuse off, heartbeat then migrate_cancel on the primary (6 steps). */
  closedFile: {
    options: { faults: 2, faultKinds: ['heartbeat', 'cancel'], withoutFix: ['return-path-reuse'] },
    property: 'no-closed-file-access',
  },
  /** release-cache-after-multifd off, one channel, a heartbeat on the secondary (21 steps). */
  releasedCache: {
    options: { multifd: 1, faultKinds: ['heartbeat'], withoutFix: ['release-cache-after-multifd'] },
    property: 'no-released-cache-access',
  },
  /** multifd-kick-on-exit off, two channels, a yank on the primary (29 steps). */
  sendSyncHang: {
    options: {
      multifd: 2,
      withoutFix: ['multifd-kick-on-exit'],
      faultKinds: ['yank'],
      faultSides: ['primary'],
    },
    property: 'deadlock',
  },
  /** every fix on, one channel, a link break: the receive-side sync hang (31 steps). */
  recvSyncHang: { options: { multifd: 1, faultKinds: ['link-break'] }, property: 'deadlock' },
} as const satisfies Record<string, { options: ColoModelOptions; property: string }>;

/** Saves one of {@link NAMED_TRACES} as `lockstep check` would; returns the file's path. */
export const saveNamed = (dir: string, name: keyof typeof NAMED_TRACES): Promise<string> =>
  saveTrace(dir, NAMED_TRACES[name].options, NAMED_TRACES[name].property);

/** A step of a scripted trace: one action, or `settle` (the first enabled action, never a fault or trigger, until none). */
export type PlanStep = ColoAction | 'settle';

/** Builds a trace the model accepts by following `plan` from the initial state, and saves it. */
export async function saveScripted(
  dir: string,
  name: string,
  options: ColoModelOptions,
  property: string,
  plan: readonly PlanStep[],
): Promise<string> {
  const model = createColoModel(options);
  let st = model.initStates()[0]!;
  const steps: { action: ColoAction }[] = [];
  const take = (action: ColoAction) => {
    const next = model.nextState(st, action);
    if (!next) throw new Error(`the model refuses ${JSON.stringify(action)}`);
    st = next;
    steps.push({ action });
  };
  for (const step of plan) {
    if (step !== 'settle') take(step);
    else
      for (let i = 0; i < 500; i++) {
        const out: ColoAction[] = [];
        model.actions(st, out);
        const next = out.find((a) => a.t !== 'fault' && a.t !== 'trigger');
        if (!next) break;
        take(next);
      }
  }
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify({ options, property, kind: 'safety', steps }, null, 2));
  return path;
}
