import type { Fingerprintable } from './types.js';

/*
 * A 64-bit fingerprint as two 32-bit lanes that are mixed into each other on every word, then finished
 * with murmur3's fmix32 on both. Math.imul keeps everything in 32-bit integers, so hashing allocates
 * nothing (bigint input is the exception: it has to be split with bigint arithmetic).
 */

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

let a = 0;
let b = 0;

// One word into both lanes; the cross terms make the lanes depend on each other, not two 32-bit hashes.
function word(k: number): void {
  a = Math.imul(a ^ k, 0x9e3779b1);
  a = ((a << 13) | (a >>> 19)) + b;
  b = Math.imul(b ^ k, 0x85ebca77);
  b = ((b << 17) | (b >>> 15)) ^ a;
}

function finish(length: number, out: Uint32Array): void {
  a ^= length;
  b ^= Math.imul(length, 0x27d4eb2f);
  const fa = fmix(a);
  const fb = fmix(b ^ fa);
  out[0] = fa ^ fmix(fb);
  out[1] = fb;
}

/**
 * Writes the 64-bit fingerprint of `input` into `out[0]` (high) and `out[1]` (low).
 * Inputs of different types never share a fingerprint on purpose: each type has its own seed.
 */
export function fingerprint(input: Fingerprintable, out: Uint32Array): void {
  if (typeof input === 'string') {
    fingerprintString(input, out);
  } else if (typeof input === 'bigint') {
    a = 0x2545f491;
    b = 0x6c8e9cf5;
    let x = input < 0n ? -input : input;
    let n = input < 0n ? 1 : 0;
    do {
      word(Number(BigInt.asUintN(32, x)));
      x >>= 32n;
      n += 2;
    } while (x > 0n);
    finish(n, out);
  } else if (!(input instanceof Uint8Array)) {
    fingerprintWords(input.words, input.length, out);
  } else {
    a = 0x3c6ef372;
    b = 0xa54ff53a;
    const n = input.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      word(input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16) | (input[i + 3]! << 24));
    }
    let tail = 0;
    for (let s = 0; i < n; i++, s += 8) tail |= input[i]! << s;
    word(tail);
    finish(n, out);
  }
}

/**
 * The fingerprint of 32-bit words: the same lanes and finish as {@link fingerprint}, with the lanes in
 * locals instead of the module's scratch (this is the checker's hottest function: it runs on every
 * transition, and local lanes stay in registers). `seedA`/`seedB` say what the words stand for and
 * `count` is the length the finish mixes in (a string's length in UTF-16 units, not in words).
 */
function fingerprintWords(
  words: Uint32Array,
  length: number,
  out: Uint32Array,
  seedA = 0x510e527f,
  seedB = 0x9b05688c,
  count = length,
): void {
  let x = seedA;
  let y = seedB;
  for (let i = 0; i < length; i++) {
    const k = words[i]!;
    x = Math.imul(x ^ k, 0x9e3779b1);
    x = ((x << 13) | (x >>> 19)) + y;
    y = Math.imul(y ^ k, 0x85ebca77);
    y = ((y << 17) | (y >>> 15)) ^ x;
  }
  a = x;
  b = y;
  finish(count, out);
}

let stringWords = new Uint32Array(1024);

/** The fingerprint of a string, two UTF-16 units a word (node keys: a few thousand per search). */
function fingerprintString(input: string, out: Uint32Array): void {
  const n = input.length;
  const length = (n + 1) >> 1;
  if (stringWords.length < length) stringWords = new Uint32Array(length * 2);
  for (let i = 0, w = 0; i < n; i += 2, w++)
    stringWords[w] = i + 1 < n ? input.charCodeAt(i) | (input.charCodeAt(i + 1) << 16) : input.charCodeAt(i);
  fingerprintWords(stringWords, length, out, 0x811c9dc5, 0x01000193, n);
}
