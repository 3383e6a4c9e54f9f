import { COLO_MESSAGES } from '../../machines/index.js';
import type { WordEncoding } from '../engine/index.js';
import type { ColoState, MainItem } from './state.js';

const ITEM = new Map<MainItem, number>([
  ...COLO_MESSAGES.map((m, i) => [m, i + 1] as const),
  ['ram', COLO_MESSAGES.length + 1],
  ['device', COLO_MESSAGES.length + 2],
]);

// Room for the fixed words and the links; grown when a state needs more.
let words = new Uint32Array(64);
const encoding = { words, length: 0 };

/** A link's items, a word each after its length (links are short: a few items at most). */
function items(queue: readonly MainItem[], at: number): number {
  words[at++] = queue.length;
  for (const item of queue) words[at++] = ITEM.get(item)!;
  return at;
}

function packets(queue: readonly ('data' | 'sync')[], at: number): number {
  words[at++] = queue.length;
  for (const packet of queue) words[at++] = packet === 'data' ? 1 : 2;
  return at;
}

/**
 * The canonical encoding of a composed state for the fingerprint, as 32-bit words: each node by its
 * key's hash (equal in every thread, unlike table indices), the flags in one word, the counters in
 * another, then each link's items. The buffer is reused: the engine hashes it at once.
 * @internal
 */
export function encodeColo(st: ColoState): WordEncoding {
  const need = 8 + st.toS.length + st.toP.length + st.mfd.reduce((n, q) => n + q.length + 1, 0);
  if (words.length < need) {
    words = new Uint32Array(need * 2);
    encoding.words = words;
  }
  words[0] = st.p.h0;
  words[1] = st.p.h1;
  words[2] = st.s.h0;
  words[3] = st.s.h1;
  words[4] =
    +st.dead.primary |
    (+st.dead.secondary << 1) |
    (+st.broken << 2) |
    (+st.shut.primary.main << 3) |
    (+st.shut.primary.multifd << 4) |
    (+st.shut.secondary.main << 5) |
    (+st.shut.secondary.multifd << 6) |
    (+st.errored.primary << 7) |
    (+st.errored.secondary << 8) |
    (+st.hb.primary << 9) |
    (+st.hb.secondary << 10) |
    (+st.hbRefused.primary << 11) |
    (+st.hbRefused.secondary << 12) |
    (+st.cacheUaf << 13) |
    (+st.fileUaf << 14);
  words[5] =
    (st.faults & 0xff) |
    ((st.triggers & 0xff) << 8) |
    ((st.blobs & 0xff) << 16) |
    ((st.flushes & 0xff) << 24);
  let at = items(st.toS, 6);
  at = items(st.toP, at);
  for (const q of st.mfd) at = packets(q, at);
  encoding.length = at;
  return encoding;
}
