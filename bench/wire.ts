/**
 * Decode throughput of the main-channel RAM stream: 256 MiB of batch frames, fed to the decoder in
 * 64 KiB chunks (what a loopback socket delivers). Prints one JSON line.
 */
import { encodeBatch, MAX_BATCH_PAGES, PAGE_SIZE, StreamDecoder } from '../runtime/wire/index.js';

const RAM_PAGES = (256 * 1024 * 1024) / PAGE_SIZE;
const ram = Buffer.alloc(RAM_PAGES * PAGE_SIZE, 0x5a);
const stream: Buffer[] = [];
for (let first = 0; first < RAM_PAGES; first += MAX_BATCH_PAGES) {
  const indexes = Uint32Array.from({ length: MAX_BATCH_PAGES }, (_, i) => first + i);
  stream.push(
    ...encodeBatch(indexes, ram.subarray(first * PAGE_SIZE, (first + MAX_BATCH_PAGES) * PAGE_SIZE)),
  );
}
const bytes = Buffer.concat(stream);
const CHUNK = 64 * 1024;
const chunks: Buffer[] = [];
for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));

const target = Buffer.alloc(ram.length);
let best = Number.POSITIVE_INFINITY;
for (let round = 0; round < 3; round++) {
  const d = new StreamDecoder({ ramPages: RAM_PAGES, reuse: true });
  const start = process.hrtime.bigint();
  for (const c of chunks) {
    d.push(c);
    for (let f = d.next(); f; f = d.next()) {
      if (f.kind !== 'batch') continue;
      // the receiver's copy into colo_cache, page by page (ram.c:colo_cache_from_block_offset)
      for (let i = 0; i < f.indexes.length; i++)
        f.data.copy(target, f.indexes[i]! * PAGE_SIZE, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    }
  }
  d.finish();
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
if (!target.equals(ram)) throw new Error('decoded RAM differs');
console.log(JSON.stringify({ figure: 'wire-decode', MBps: Math.round(bytes.length / 1e6 / best) }));
