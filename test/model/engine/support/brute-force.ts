import type { Model } from '../../../../model/index.js';

/**
 * Counts reachable states the slow, obvious way: a JS Set of the encoded states as strings, no
 * fingerprints. Under `symmetric`, keys are the representatives. The oracle for the engine's counts.
 */
export function bruteForceCount<S, A>(model: Model<S, A>, symmetric = false): number {
  const key = (s: S): string => {
    const e = model.encode(symmetric && model.representative ? model.representative(s) : s);
    if (typeof e === 'string' || typeof e === 'bigint') return String(e);
    if (e instanceof Uint8Array) return Array.from(e).join(',');
    return Array.from(e.words.subarray(0, e.length)).join(',');
  };
  const seen = new Set<string>();
  const work: S[] = [];
  const visit = (s: S): void => {
    const k = key(s);
    if (seen.has(k)) return;
    seen.add(k);
    work.push(s);
  };
  for (const s of model.initStates()) visit(s);
  for (let s = work.pop(); s !== undefined; s = work.pop()) {
    const out: A[] = [];
    model.actions(s, out);
    for (const a of out) {
      const t = model.nextState(s, a);
      if (t !== null) visit(t);
    }
  }
  return seen.size;
}
