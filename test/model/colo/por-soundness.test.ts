import { describe, expect, it } from 'vitest';
import {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  checker,
  createColoModel,
  FAULT_KINDS,
  FIX_NAMES,
  fingerprint,
  type PropertyVerdict,
  type Trace,
  verdicts,
} from '../../../model/index.js';

/*
 * Partial-order reduction is sound where it is used: on every configuration small enough to search in
 * full, the reduced search gives the same verdict for every property (safety, deadlock, the sometimes
 * guards; liveness runs on the full graph either way) and every counterexample it reports replays,
 * step by step, on the full model.
 */

const PROFILES = ['qemu-11.0', 'qemu-7.2'] as const;

/** Every fault kind alone and all together, on both profiles, at multifd 0 and 1. */
const perKind: ColoModelOptions[] = PROFILES.flatMap((profile) =>
  [0, 1].flatMap((multifd) => [
    { profile, multifd },
    ...FAULT_KINDS.map((kind) => ({ profile, multifd, faultKinds: [kind] })),
  ]),
);

/** Every fix of the series switched off, and the proposed one on, where multifd makes them matter. */
const fixes: ColoModelOptions[] = [
  ...FIX_NAMES.map((fix) => ({ multifd: 1, withoutFix: [fix] })),
  { multifd: 1, withFix: ['recv-kick-on-exit'] },
  { faults: 2, faultKinds: ['heartbeat', 'cancel'], withoutFix: ['return-path-reuse'] },
  { faults: 2, faultKinds: ['heartbeat', 'cancel'], withoutFix: ['file-lock-in-failover'] },
  { multifd: 1, faultKinds: ['heartbeat'], withoutFix: ['release-cache-after-multifd'] },
];

/** More channels, faults and checkpoints, each bounded to keep the suite fast. */
const wider: ColoModelOptions[] = [
  { checkpoints: 2 },
  { faults: 2, faultKinds: ['heartbeat', 'cancel'] },
  { faults: 2, faultKinds: ['yank', 'kill'], faultSides: ['secondary'] },
  { multifd: 2, faultKinds: ['kill'] },
  { multifd: 2, faultKinds: ['heartbeat'], profile: 'qemu-7.2' },
  { multifd: 2, faultKinds: ['yank'], faultSides: ['primary'], withoutFix: ['multifd-kick-on-exit'] },
  { multifd: 2, faultKinds: ['link-break'], withFix: ['recv-kick-on-exit'] },
  { multifd: 3, faults: 0 },
  { multifd: 3, faults: 0, checkpoints: 2 },
];

type Verdicts = PropertyVerdict<ColoState, ColoAction>[];

const fp = (model: ReturnType<typeof createColoModel>, st: ColoState): string => {
  const out = new Uint32Array(2);
  fingerprint(model.encode(st), out);
  return `${out[0]}:${out[1]}`;
};

/** Replays a counterexample on a fresh full model: each action enabled, each state as recorded. */
function replays(options: ColoModelOptions, v: Verdicts[number]): void {
  const model = createColoModel(options);
  const trace = v.trace as Trace<ColoState, ColoAction>;
  let st = model.initStates()[0]!;
  expect(fp(model, st)).toBe(fp(model, trace.states[0]!));
  trace.actions.forEach((action, i) => {
    const enabled: ColoAction[] = [];
    model.actions(st, enabled);
    expect(enabled, `step ${i + 1} of ${v.property} is enabled`).toContainEqual(action);
    st = model.nextState(st, action)!;
    expect(fp(model, st), `state ${i + 1} of ${v.property}`).toBe(fp(model, trace.states[i + 1]!));
  });
  if (v.kind === 'deadlock') {
    const enabled: ColoAction[] = [];
    model.actions(st, enabled);
    expect(enabled.filter((a) => model.nextState(st, a) !== null)).toEqual([]);
    expect(model.isEndState(st)).toBe(false);
  } else if (v.verdict === 'violated' && v.kind !== 'sometimes') {
    expect(
      model
        .properties()
        .find((p) => p.name === v.property)!
        .holds(st),
    ).toBe(false);
  }
}

describe('partial-order reduction keeps every verdict', () => {
  const all = [...perKind, ...fixes, ...wider];
  it.each(all.map((options) => [JSON.stringify(options), options] as const))(
    '%s',
    (_, options) => {
      const fullModel = createColoModel(options);
      const full = checker(fullModel).spawnBfs();
      const reducedModel = createColoModel(options);
      const reduced = checker(reducedModel).partialOrder().spawnBfs();
      expect(reduced.complete).toBe(true);
      expect(reduced.states).toBeLessThanOrEqual(full.states);
      const a = verdicts(fullModel, full);
      const b = verdicts(reducedModel, reduced);
      expect(b.map((v) => [v.property, v.verdict])).toEqual(a.map((v) => [v.property, v.verdict]));
      for (const v of b) if (v.verdict === 'violated' && v.trace) replays(options, v);
    },
    300_000,
  );

  it('reduces: multifd 1 with every fault kind explores about half the states', () => {
    const options = { multifd: 1 } as const;
    const full = checker(createColoModel(options)).spawnBfs();
    const reduced = checker(createColoModel(options)).partialOrder().spawnBfs();
    expect(full.states).toBe(34_303);
    expect(reduced.states).toBeLessThan(full.states * 0.6);
    expect(reduced.reducedStates).toBeGreaterThan(0);
  }, 120_000);
});
