import { type Model, Property } from '../../../../model/index.js';

/**
 * A single process going 0 -> 1 -> 2 (goal), with a side exit 1 -> 9 into a terminal state that
 * never reaches the goal: `eventually goal` fails through the terminal path 0, 1, 9.
 */
export function sideExit(): Model<number, number> {
  return {
    initStates: () => [0],
    actions(s, out) {
      if (s === 0) out.push(1);
      if (s === 1) out.push(2, 9);
    },
    nextState: (_s, a) => a,
    properties: () => [Property.eventually<number>('goal', (s) => s === 2)],
    encode: (s) => String(s),
    isEndState: () => true,
  };
}

/** State [pc of the worker (0 or 1 = done), pc of the spinner (0..spin-1)]. */
export type StarveState = Uint8Array;

/**
 * A worker that takes one step to finish and a spinner cycling through `spin` states. With `blocked`,
 * the worker may step only while the spinner is at 0, so it is not continuously enabled on the cycle.
 * Action = process id (0 worker, 1 spinner); `process` declares weak fairness per process.
 */
export function starvation(spin: number, blocked: boolean, fair: boolean): Model<StarveState, number> {
  const model: Model<StarveState, number> = {
    initStates: () => [Uint8Array.of(0, 0)],
    actions(s, out) {
      if (s[0] === 0 && (!blocked || s[1] === 0)) out.push(0);
      out.push(1);
    },
    nextState(s, p) {
      const t = s.slice();
      if (p === 0) t[0] = 1;
      else t[1] = (s[1]! + 1) % spin;
      return t;
    },
    properties: () => [Property.eventually<StarveState>('worker done', (s) => s[0] === 1)],
    encode: (s) => s,
  };
  if (fair) model.process = (a) => a;
  return model;
}
