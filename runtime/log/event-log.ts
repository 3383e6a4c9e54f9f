/**
 * The append-only event log of one node and run (design.md): every input is appended before it is
 * applied; appends are batched in memory and written out on {@link EventLog.sync}, which fsyncs, at the
 * runtime's durability points (before a message is sent to the peer, before a checkpoint is applied).
 * @packageDocumentation
 */
import { writeSync } from 'node:fs';
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import type { LogEvent, LogInput } from './event.js';
import { readLog } from './read-log.js';

/** Options of {@link EventLog.open}. @public */
export interface EventLogOptions {
  /** Milliseconds for `ts` (default Date.now); inject a fixed clock for reproducible logs. */
  readonly clock?: () => number;
  /** Buffered bytes that trigger a write without fsync (default 64 KiB). */
  readonly highWaterMark?: number;
}

/** An open log. @public */
export class EventLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    /** The file. */
    readonly path: string,
    private readonly fh: FileHandle,
    private nextSeq: number,
    private readonly clock: () => number,
    private readonly highWaterMark: number,
  ) {}

  /**
   * Opens (or creates) the log at `path`. An existing log is read and continued from its last seq; a
   * torn last line is cut off first so new lines do not join it.
   * @throws LockstepError `log-corrupt-line` / `log-sequence-gap` if the existing log is damaged.
   */
  static async open(path: string, options: EventLogOptions = {}): Promise<EventLog> {
    let next = 1;
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) {
      const { events, torn } = await readLog(path);
      next = events.length + 1;
      if (torn) await truncate(path, torn.offset);
    }
    const fh = await open(path, 'a');
    const log = new EventLog(path, fh, next, options.clock ?? Date.now, options.highWaterMark ?? 65536);
    // A whole last event without its newline (crash between `}` and `\n`): finish the line.
    if (size > 0 && next > 1) {
      const last = Buffer.alloc(1);
      const r = await open(path, 'r');
      await r.read(last, 0, 1, (await r.stat()).size - 1).finally(() => r.close());
      if (last[0] !== 10) await fh.write('\n');
    }
    return log;
  }

  /** The seq the next append will get. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Appends one input and returns its record. Buffered: in the OS after {@link EventLog.flush}, on disk after {@link EventLog.sync}. */
  append<T>(input: LogInput<T>): LogEvent<T> {
    const event: LogEvent<T> = { seq: this.nextSeq++, ts: this.clock(), type: input.type, data: input.data };
    const line = `${JSON.stringify(event)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= this.highWaterMark) this.flush();
    return event;
  }

  /**
   * Hands everything appended so far to the OS, synchronously: it survives a kill -9 of this process
   * (not a power loss). Call it before an effect leaves the process, so the log never lags what a peer saw.
   */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    writeSync(this.fh.fd, text);
  }

  /** A durability point: everything appended so far is on disk when this resolves (fdatasync). */
  sync(): Promise<void> {
    this.flush();
    this.writing = this.writing.then(() => this.fh.datasync());
    return this.writing;
  }

  /** Syncs and closes the file. */
  async close(): Promise<void> {
    await this.sync();
    await this.fh.close();
  }
}
