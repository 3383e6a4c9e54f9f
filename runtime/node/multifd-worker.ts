/**
 * A multifd receive thread in a worker thread (`multifdWorkers`): it decodes the channel's bytes, which
 * the main thread hands over chunk by chunk, and in COLO stores each packet's pages straight into the
 * shared colo cache and hashes them into the digest's shared staging table, as QEMU's
 * multifd_recv_thread reads the payload into the cache on its own thread. It decides nothing: it posts
 * back what it read (a packet and its pages, a SYNC, the end of the channel), and the main thread makes
 * each an input of the node. After a SYNC it stops until the main thread says the receive thread reads
 * again (multifd_recv_sync_main released it), so a later checkpoint's pages never reach the cache early.
 * Before COLO (precopy) it stores nothing: it posts each piece's pages back (`pieces`).
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LockstepError } from '../errors.js';
import { MultifdDecoder } from '../wire/index.js';
import type { FromChannelWorker, ToChannelWorker, WorkerChannelData } from './channel-worker.js';
import { hashPage, hashZeroPage } from './ram-digest.js';

const PAGE_SIZE = 4096;
const PAGE_WORDS = PAGE_SIZE / 4;
const port = parentPort!;
const { ramPages, cache, staged } = workerData as WorkerChannelData;
const cacheBuffer = Buffer.from(cache);
const table = new Uint32Array(staged);
const scratch = new Uint32Array(PAGE_WORDS);
const scratchBytes = Buffer.from(scratch.buffer);
const decoder = new MultifdDecoder({ ramPages, reuse: true, streamPages: true });
/** Pages stored of the packet in flight (at most a packet's 1024 … but zero pages count too). */
let stored = new Uint32Array(1024);
let count = 0;
let colo = false;
let stopped = false;
let peerGone = false;
let ended = false;

const post = (message: FromChannelWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

function keep(index: number): void {
  if (count === stored.length) {
    const bigger = new Uint32Array(stored.length * 2);
    bigger.set(stored);
    stored = bigger;
  }
  stored[count++] = index;
}

/** ram.c's store into the colo cache, and RamDigest.stagePages' hash, of one piece's pages. */
function store(indexes: Uint32Array, data: Uint8Array): void {
  const source = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const aligned = data.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4) : scratch;
  for (let i = 0; i < indexes.length; i++) {
    const page = indexes[i]!;
    source.copy(cacheBuffer, page * PAGE_SIZE, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    if (aligned) hashPage(words, i * PAGE_WORDS, page, table, page);
    else {
      source.copy(scratchBytes, 0, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      hashPage(scratch, 0, page, table, page);
    }
    keep(page);
  }
}

function storeZero(indexes: Uint32Array): void {
  for (const page of indexes) {
    cacheBuffer.fill(0, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    hashZeroPage(page, table, page);
    keep(page);
  }
}

function end(event: 'eof' | 'read-error'): void {
  ended = true;
  post({ kind: 'end', event });
}

/** Reads what is buffered, as the thread's read loop would, until a SYNC or nothing is left. */
function pump(): void {
  while (!ended && !stopped) {
    let piece: ReturnType<MultifdDecoder['next']>;
    try {
      piece = decoder.next();
      if (piece === undefined) {
        // EOF before a header is a clean end; in the middle of a packet it is an error
        if (peerGone) end(decoder.inItem || decoder.buffered > 0 ? 'read-error' : 'eof');
        return;
      }
      if (colo) {
        if (piece.normal.length > 0) store(piece.normal, piece.data);
        if (piece.zero.length > 0) storeZero(piece.zero);
      } else if (piece.normal.length > 0 || piece.zero.length > 0) {
        const normal = piece.normal.slice();
        const zero = piece.zero.slice();
        const data = new Uint8Array(piece.data); // a copy: Buffer's slice would be a view
        post({ kind: 'pieces', normal, zero, data }, [normal.buffer, zero.buffer, data.buffer]);
      }
    } catch (error) {
      if (!(error instanceof LockstepError)) throw error;
      // multifd_recv_unfill_packet refused the header: the thread's read fails
      end('read-error');
      return;
    }
    if (decoder.inItem) continue;
    const pages = stored.slice(0, count);
    count = 0;
    post({ kind: 'packet', sync: piece.sync, pages }, [pages.buffer]);
    if (piece.sync) stopped = true;
  }
}

port.on('message', (message: ToChannelWorker) => {
  switch (message.kind) {
    case 'chunk':
      if (!ended) decoder.push(message.chunk);
      break;
    case 'colo':
      colo = true;
      break;
    case 'go':
      stopped = false;
      break;
    case 'eof':
      peerGone = true;
      break;
  }
  pump();
});
