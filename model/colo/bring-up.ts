import { bringUpScript, createNode, PROFILES } from '../../machines/index.js';
import type { Composition } from './composition.js';
import type { ColoModelOptions, ColoState, Draft } from './state.js';

/**
 * The bring-up as the test scripts drive it (capabilities, migrate-incoming, migrate, precopy to COLO),
 * with no choice in it: the composed system starts once both sides wait in COLO. `settle` takes the
 * first enabled action (never a fault or a trigger) until none is left.
 * @internal
 */
export function bringUp(
  composition: Composition,
  options: ColoModelOptions,
  settle: (st: ColoState) => ColoState | null,
): ColoState {
  const profile = PROFILES[options.profile ?? 'qemu-11.0'];
  const multifd = options.multifd ?? 0;
  const { primary, secondary } = composition.tables;
  const st: Draft = {
    p: primary.intern(createNode(primary.config)),
    s: secondary.intern(createNode(secondary.config)),
    flags: 0,
    counters: 0,
    toS: 0,
    toP: 0,
    mfd: Object.freeze(Array.from({ length: multifd }, () => 0)),
  };
  for (const [side, input] of bringUpScript(profile, 'tcp:0:0')) composition.apply(st, side, input);
  let state: ColoState = st;
  for (let i = 0; i < 1000; i++) {
    const next = settle(state);
    if (!next) return state;
    state = next;
  }
  throw new Error('colo model: the bring-up did not settle');
}
