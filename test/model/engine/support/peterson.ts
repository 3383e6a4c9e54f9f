import { type Model, Property } from '../../../../model/index.js';

/** State: [pc0, pc1, flag0, flag1, turn]; pc 0 idle, 1 set flag, 2 set turn / wait, 3 critical. */
export type PetersonState = Uint8Array;

/** Peterson's algorithm for two processes: mutual exclusion holds, no deadlock. */
export function peterson(): Model<PetersonState, number> {
  return {
    initStates: () => [Uint8Array.of(0, 0, 0, 0, 0)],
    actions(_s, out) {
      out.push(0, 1);
    },
    nextState(s, p) {
      const q = 1 - p;
      const t = s.slice();
      switch (s[p]) {
        case 0:
          t[2 + p] = 1;
          t[p] = 1;
          return t;
        case 1:
          t[4] = q;
          t[p] = 2;
          return t;
        case 2:
          // Busy-wait: the step is not enabled while the other wants in and it is its turn.
          if (s[2 + q] === 1 && s[4] === q) return null;
          t[p] = 3;
          return t;
        default:
          t[2 + p] = 0;
          t[p] = 0;
          return t;
      }
    },
    properties: () => [
      Property.always<PetersonState>('mutual exclusion', (s) => !(s[0] === 3 && s[1] === 3)),
      Property.sometimes<PetersonState>('both waiting', (s) => s[0] === 2 && s[1] === 2),
    ],
    encode: (s) => s,
  };
}
