import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  checker,
  createColoModel,
} from '../../../model/index.js';

/*
 * The COLO model's packed form for the BFS frontier: a state stored as words and loaded back is the same
 * state (same fingerprint encoding, same enabled actions, same successors), and a search whose levels are
 * all packed gives the counts, depth and counterexamples of the search that keeps objects.
 */

describe('COLO states in the packed frontier', () => {
  it('round-trip along random walks (fast-check)', () => {
    const model = createColoModel({ multifd: 3, faults: 2, withFix: ['recv-kick-on-exit'] });
    const stride = model.stateWords();
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), fc.nat(7), (choices, slot) => {
        const words = new Uint32Array(stride * 8);
        let st: ColoState = model.initStates()[0]!;
        for (const choice of choices) {
          model.storeState(st, words, slot * stride);
          const back = model.loadState(words, slot * stride);
          expect(Array.from(words.subarray(slot * stride, (slot + 1) * stride))).toHaveLength(stride);
          const enc = (s: ColoState) => {
            const { words: w, length } = model.encode(s);
            return Array.from(w.subarray(0, length));
          };
          expect(enc(back)).toEqual(enc(st));
          const acts: ColoAction[] = [];
          const backActs: ColoAction[] = [];
          model.actions(st, acts);
          model.actions(back, backActs);
          expect(backActs).toEqual(acts);
          if (acts.length === 0) break;
          const a = acts[choice % acts.length]!;
          const next = model.nextState(st, a);
          const backNext = model.nextState(back, a);
          expect(backNext === null).toBe(next === null);
          if (next === null || backNext === null) break;
          expect(enc(backNext)).toEqual(enc(next));
          expect(model.ample(back, backActs, (k) => model.nextState(back, backActs[k]!))).toEqual(
            model.ample(st, acts, (k) => model.nextState(st, acts[k]!)),
          );
          st = next;
        }
      }),
      { numRuns: 60 },
    );
  });

  const configs: ColoModelOptions[] = [
    { multifd: 0 },
    { multifd: 1 },
    { multifd: 0, faults: 2, profile: 'qemu-7.2' },
  ];
  for (const options of configs) {
    for (const por of [false, true]) {
      it(`every level packed gives the same search: ${JSON.stringify(options)}${por ? ' --por' : ''}`, () => {
        const run = (objects?: number) => {
          const b = checker(createColoModel(options));
          if (por) b.partialOrder();
          if (objects !== undefined) b.frontierObjects(objects);
          const r = b.spawnBfs();
          return {
            states: r.states,
            transitions: r.transitions,
            maxDepth: r.maxDepth,
            reduced: r.reducedStates,
            verdicts: r.discoveries.map((d) => ({
              property: d.property,
              violation: d.violation,
              actions: d.trace?.actions.map((a) => JSON.stringify(a)),
            })),
          };
        };
        const objects = run();
        expect(objects.states).toBeGreaterThan(1000);
        expect(run(0)).toEqual(objects);
        expect(run(100)).toEqual(objects);
      });
    }
  }
});
