import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { ChannelOwner } from './channel-reader.js';

/** What a channel worker starts with: the guest's size and the shared memory it writes. @internal */
export interface WorkerChannelData {
  readonly ramPages: number;
  /** The colo cache's bytes. */
  readonly cache: SharedArrayBuffer;
  /** The RAM digest's staging table (two words per page). */
  readonly staged: SharedArrayBuffer;
}

/** Main thread → worker. @internal */
export type ToChannelWorker =
  | { readonly kind: 'chunk'; readonly chunk: Uint8Array }
  /** The cache is in COLO mode: store pages in place from now on. */
  | { readonly kind: 'colo' }
  /** The receive thread reads again after a SYNC (multifd_recv_sync_main released it). */
  | { readonly kind: 'go' }
  /** The peer closed its end: once the buffered packets are read, the read gives EOF. */
  | { readonly kind: 'eof' };

/** Worker → main thread, in the order the worker read them. @internal */
export type FromChannelWorker =
  /** Before COLO: a piece's pages, for the main thread to store (copies, transferred). */
  | {
      readonly kind: 'pieces';
      readonly normal: Uint32Array;
      readonly zero: Uint32Array;
      readonly data: Uint8Array;
    }
  /** A whole packet is in; `pages` are those the worker stored into the cache (COLO), hashed and staged. */
  | { readonly kind: 'packet'; readonly sync: boolean; readonly pages: Uint32Array }
  | { readonly kind: 'end'; readonly event: 'eof' | 'read-error' };

/** Where a worker's pages went: the shared memory, and what the main thread records of them. @public */
export interface WorkerStore {
  readonly cache: SharedArrayBuffer;
  readonly staged: SharedArrayBuffer;
  /** The cache is in COLO mode (pages go to the cache only): the worker may store in place. */
  colo(): boolean;
  /** The worker stored and staged these pages: the cache's bitmap and the digest's pending marks. */
  stored(pages: Uint32Array): void;
}

/** The worker's module: the compiled .js beside this file, or the .ts source through tsx's loader. */
function startWorker(workerData: WorkerChannelData): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./multifd-worker.js', self), { workerData });
  const entry = new URL('./multifd-worker.ts', self);
  const api = import.meta.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const boot = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * One multifd channel of the secondary whose receive thread runs in a worker thread
 * (`RuntimeOptions.multifdWorkers`): the same contract as {@link ChannelReader} towards its owner, but
 * the decoding, and in COLO the store into the colo cache and the staging hash, happen on the worker.
 * This thread only moves the socket's chunks to the worker (transferred, not copied) and turns what the
 * worker read into the owner's calls, in order, each only while the owner says the thread reads: the
 * node logs each as an input before it applies it, as with {@link ChannelReader}.
 * @internal
 */
export class WorkerChannelReader {
  private readonly worker: Worker;
  private readonly queue: FromChannelWorker[] = [];
  private ended = false;
  private shut = false;
  private coloSent = false;
  /** The worker stopped after a SYNC and waits for `go`. */
  private held = false;
  private draining = false;

  constructor(
    private readonly socket: Socket,
    private readonly channel: number,
    ramPages: number,
    private readonly owner: ChannelOwner,
    private readonly store: WorkerStore,
  ) {
    this.worker = startWorker({ ramPages, cache: store.cache, staged: store.staged });
    this.worker.unref();
    this.worker.on('message', (message: FromChannelWorker) => {
      if (this.ended || this.shut) return;
      this.queue.push(message);
      this.drain();
    });
    // a worker that dies (it should not) is the channel's read failing
    this.worker.on('error', () => this.fail());
    socket.on('data', (chunk: Buffer) => {
      if (this.ended || this.shut) return;
      this.send({ kind: 'chunk', chunk: transferable(chunk) });
    });
    const gone = () => this.send({ kind: 'eof' });
    socket.on('end', gone).on('error', gone).on('close', gone);
  }

  /** io/channel-socket.c:qio_channel_shutdown: nothing more is read; the thread's read fails. */
  shutdown(): void {
    this.socket.destroy();
    this.fail();
  }

  /** The thread may be reading again: deliver what the worker read, release it after a SYNC. */
  drain(): void {
    if (this.draining || this.ended) return;
    this.draining = true;
    try {
      while (!this.ended && this.queue.length > 0 && this.owner.reading(this.channel))
        this.deliver(this.queue.shift()!);
    } finally {
      this.draining = false;
    }
    if (this.ended) return;
    if (!this.coloSent && this.store.colo()) {
      this.coloSent = true;
      this.send({ kind: 'colo' });
    }
    if (this.held && this.queue.length === 0 && this.owner.reading(this.channel)) {
      this.held = false;
      this.send({ kind: 'go' });
      if (!this.socket.destroyed) this.socket.resume();
    }
  }

  private deliver(message: FromChannelWorker): void {
    switch (message.kind) {
      case 'pieces':
        if (message.normal.length > 0) this.owner.pages(message.normal, message.data);
        if (message.zero.length > 0) this.owner.zero(message.zero);
        break;
      case 'packet':
        if (message.pages.length > 0) this.store.stored(message.pages);
        if (message.sync) {
          // the worker waits for multifd_recv_sync_main; what follows stays in the kernel meanwhile
          this.held = true;
          if (!this.socket.destroyed) this.socket.pause();
        }
        this.owner.packet(this.channel, message.sync);
        break;
      case 'end':
        this.finish(message.event);
        break;
    }
  }

  /** The read fails at the thread's next read: what the worker read and was not taken is dropped. */
  private fail(): void {
    if (this.ended) return;
    this.shut = true;
    this.queue.length = 0;
    this.queue.push({ kind: 'end', event: 'read-error' });
    void this.worker.terminate();
    this.drain();
  }

  private finish(event: 'eof' | 'read-error'): void {
    this.ended = true;
    void this.worker.terminate();
    this.owner.end(this.channel, event);
  }

  private send(message: ToChannelWorker): void {
    if (this.ended) return;
    if (message.kind === 'chunk') this.worker.postMessage(message, [message.chunk.buffer as ArrayBuffer]);
    else this.worker.postMessage(message);
  }
}

/** The chunk on an ArrayBuffer of its own, which can be transferred (a socket read's usually is). */
function transferable(chunk: Buffer): Uint8Array {
  if (chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.byteLength && !isPooled(chunk))
    return new Uint8Array(chunk.buffer, 0, chunk.byteLength);
  return new Uint8Array(chunk);
}

/** Buffer's small-allocation pool cannot be transferred (Node marks it untransferable). */
function isPooled(chunk: Buffer): boolean {
  return chunk.buffer.byteLength === Buffer.poolSize;
}
