import { type Model, Property } from '../../../../model/index.js';

/** Program counters of the toy mutex: idle, saw the lock free, in the critical section. */
export const IDLE = 0;
const SAW_FREE = 1;
const CRITICAL = 2;

/** State: [pc of process 0, pc of process 1, lock]. */
export type MutexState = Uint8Array;

/**
 * Two processes guarding a critical section with a lock flag. `buggy`: testing and setting the flag are
 * two steps, so both can see it free and both enter (shortest violation: 4 steps). Otherwise it is one
 * atomic test-and-set.
 */
export function mutex(buggy: boolean): Model<MutexState, number> {
  return {
    initStates: () => [Uint8Array.of(IDLE, IDLE, 0)],
    actions(s, out) {
      for (let p = 0; p < 2; p++) if (s[p] !== IDLE || s[2] === 0) out.push(p);
    },
    nextState(s, p) {
      const t = s.slice();
      if (s[p] === IDLE) {
        if (s[2] !== 0) return null;
        if (buggy) t[p] = SAW_FREE;
        else {
          t[p] = CRITICAL;
          t[2] = 1;
        }
      } else if (s[p] === SAW_FREE) {
        t[p] = CRITICAL;
        t[2] = 1;
      } else {
        t[p] = IDLE;
        t[2] = 0;
      }
      return t;
    },
    properties: () => [
      Property.always<MutexState>('mutual exclusion', (s) => !(s[0] === CRITICAL && s[1] === CRITICAL)),
      Property.sometimes<MutexState>('process 1 enters', (s) => s[1] === CRITICAL),
    ],
    encode: (s) => s,
    describeAction: (p) => `process ${p} steps`,
  };
}
