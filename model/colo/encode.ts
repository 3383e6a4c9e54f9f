import type { ColoState, PerSide, Shut } from './state.js';

const bit = (b: boolean): string => (b ? '1' : '0');
const pair = (p: PerSide<boolean>): string => bit(p.primary) + bit(p.secondary);
const shut = (s: Shut): string => bit(s.main) + bit(s.multifd);

/**
 * The canonical text of a composed state for the fingerprint: each node by its key's hash (equal in
 * every thread, unlike table indices), the links item by item, then the flags and counters.
 * @internal
 */
export function encodeColo(st: ColoState): string {
  return [
    st.p.hash,
    st.s.hash,
    pair(st.dead),
    st.toS.join(','),
    st.toP.join(','),
    st.mfd.map((q) => q.map((x) => (x === 'data' ? 'd' : 's')).join('')).join('/'),
    bit(st.broken),
    shut(st.shut.primary) + shut(st.shut.secondary),
    pair(st.errored),
    st.faults,
    st.triggers,
    pair(st.hb),
    pair(st.hbRefused),
    st.blobs,
    st.flushes,
    bit(st.cacheUaf) + bit(st.fileUaf),
  ].join('|');
}
