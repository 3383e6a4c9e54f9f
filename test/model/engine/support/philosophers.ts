import { type Model, Property } from '../../../../model/index.js';

/**
 * N dining philosophers, each taking the left fork, then the right, then putting both down. State:
 * one byte per philosopher (0 thinking, 1 holds left, 2 eating). All holding their left fork is a
 * deadlock reached in exactly N steps.
 */
export function philosophers(n: number): Model<Uint8Array, number> {
  const holder = (s: Uint8Array, fork: number): boolean => {
    // Fork i is philosopher i's left fork and philosopher (i - 1)'s right fork.
    const right = (fork + n - 1) % n;
    return s[fork]! >= 1 || s[right] === 2;
  };
  return {
    initStates: () => [new Uint8Array(n)],
    actions(s, out) {
      for (let p = 0; p < n; p++) {
        if (s[p] === 0 && !holder(s, p)) out.push(p);
        else if (s[p] === 1 && !holder(s, (p + 1) % n)) out.push(p);
        else if (s[p] === 2) out.push(p);
      }
    },
    nextState(s, p) {
      const t = s.slice();
      t[p] = (s[p]! + 1) % 3;
      return t;
    },
    properties: () => [
      Property.always<Uint8Array>('at most n/2 eat', (s) => s.filter((x) => x === 2).length <= n / 2),
    ],
    encode: (s) => s,
  };
}
