import type { WordEncoding } from '../engine/index.js';
import type { ColoState } from './state.js';

// Eight fixed words and one per multifd channel; grown when a model has more channels.
let words = new Uint32Array(16);
const encoding = { words, length: 0 };
// the engine encodes a state for its fingerprint and, on worker threads, packs it right after
let encoded: ColoState | null = null;

/**
 * The canonical encoding of a composed state for the fingerprint, as 32-bit words: each node by its
 * key's hash (equal in every thread, unlike table indices), then the packed flags, counters and links
 * as they are. The buffer is reused: the engine hashes it at once.
 * @internal
 */
export function encodeColo(st: ColoState): WordEncoding {
  if (st === encoded) return encoding;
  const mfd = st.mfd;
  const length = 8 + mfd.length;
  if (words.length < length) {
    words = new Uint32Array(length * 2);
    encoding.words = words;
  }
  words[0] = st.p.h0;
  words[1] = st.p.h1;
  words[2] = st.s.h0;
  words[3] = st.s.h1;
  words[4] = st.flags;
  words[5] = st.counters;
  words[6] = st.toS;
  words[7] = st.toP;
  for (let i = 0; i < mfd.length; i++) words[8 + i] = mfd[i]!;
  encoding.length = length;
  encoded = st;
  return encoding;
}

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
  const mfd: number[] = [];
  for (let i = 0; i < channels; i++) mfd.push(words[8 + i]!);
  return {
    p: [words[0]!, words[1]!],
    s: [words[2]!, words[3]!],
    rest: { flags: words[4]!, counters: words[5]!, toS: words[6]!, toP: words[7]!, mfd },
  };
}
