import { type Model, Property } from '../../../../model/index.js';

/**
 * N interchangeable processes, each counting from 0 to max on its own. (max+1)^N states; under symmetry
 * (sorting the counters) the multisets: C(N + max, N). Every state with all counters at max is an end.
 */
export function counters(n: number, max: number): Model<Uint8Array, number> {
  return {
    initStates: () => [new Uint8Array(n)],
    actions(s, out) {
      for (let p = 0; p < n; p++) if (s[p]! < max) out.push(p);
    },
    nextState(s, p) {
      const t = s.slice();
      t[p]!++;
      return t;
    },
    properties: () => [Property.sometimes<Uint8Array>('all done', (s) => s.every((x) => x === max))],
    encode: (s) => s,
    representative: (s) => s.slice().sort(),
    isEndState: () => true,
  };
}
