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
// the engine encodes a state for its fingerprint and, on worker threads, packs it right after
let encoded: ColoState | null = null;

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
  if (st === encoded) return encoding;
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
  encoded = st;
  return encoding;
}

const ITEMS: readonly MainItem[] = [...COLO_MESSAGES, 'ram', 'device'];
const bit = (word: number, i: number): boolean => ((word >>> i) & 1) === 1;

/** A state's encoding turned back into its parts, the nodes still as their key hashes. @internal */
export interface DecodedColo {
  readonly p: readonly [number, number];
  readonly s: readonly [number, number];
  readonly rest: Omit<ColoState, 'p' | 's'>;
}

/**
 * The inverse of {@link encodeColo} for a state that crossed to another worker: the words are all a
 * worker receives (one small typed array per state, cheap to clone), the nodes are looked up by hash.
 * @internal
 */
export function decodeColo(words: Uint32Array, channels: number): DecodedColo {
  const flags = words[4]!;
  const counters = words[5]!;
  let at = 6;
  const list = <T>(of: (code: number) => T): T[] => {
    const n = words[at++]!;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(of(words[at++]!));
    return out;
  };
  const item = (code: number) => ITEMS[code - 1]!;
  const toS = list(item);
  const toP = list(item) as ColoState['toP'][number][];
  const packet = (code: number): 'data' | 'sync' => (code === 1 ? 'data' : 'sync');
  const mfd = Array.from({ length: channels }, () => list(packet));
  return {
    p: [words[0]!, words[1]!],
    s: [words[2]!, words[3]!],
    rest: {
      dead: { primary: bit(flags, 0), secondary: bit(flags, 1) },
      toS,
      toP,
      mfd,
      broken: bit(flags, 2),
      shut: {
        primary: { main: bit(flags, 3), multifd: bit(flags, 4) },
        secondary: { main: bit(flags, 5), multifd: bit(flags, 6) },
      },
      errored: { primary: bit(flags, 7), secondary: bit(flags, 8) },
      hb: { primary: bit(flags, 9), secondary: bit(flags, 10) },
      hbRefused: { primary: bit(flags, 11), secondary: bit(flags, 12) },
      cacheUaf: bit(flags, 13),
      fileUaf: bit(flags, 14),
      faults: counters & 0xff,
      triggers: (counters >>> 8) & 0xff,
      blobs: (counters >>> 16) & 0xff,
      flushes: (counters >>> 24) & 0xff,
    },
  };
}
