/**
 * The append-only event log of one node and run (design.md): every input is appended before it is
 * applied; appends are batched in memory, handed to the OS by {@link EventLog.flush} before an effect
 * leaves the process, and fsynced by {@link EventLog.sync} at the runtime's durability points. A log
 * belongs to one run: it is always a new file, never continued or truncated. A long run rolls over into
 * segments ({@link EventLog.roll}) and keeps the newest few.
 * @packageDocumentation
 */
import { close, fdatasync, ftruncateSync, unlinkSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { LockstepError } from '../errors.js';
import type { LogEvent, LogInput } from './event.js';
import { type ExistingLog, openExclusive, openNewLog } from './open-new.js';
import { encodeRecord } from './record.js';
import { segmentPath } from './segments.js';

const datasyncFd = promisify(fdatasync);
const closeFd = promisify(close);

/** Options of {@link EventLog.create}. @public */
export interface EventLogOptions {
  /** Milliseconds for `ts` (default Date.now); inject a fixed clock for reproducible logs. */
  readonly clock?: () => number;
  /** Buffered bytes that trigger a write without fsync (default 64 KiB). */
  readonly highWaterMark?: number;
  /** When the path is taken by a non-empty file: refuse (default), or write `name.2.ext`, `name.3.ext`… */
  readonly existing?: ExistingLog;
  /** Past this many bytes in a segment, {@link EventLog.segmentFull} asks for a roll (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Segments kept on disk; older ones are removed at a roll (default 8). */
  readonly keepSegments?: number;
}

const errno = (e: unknown): string => String((e as Error).message ?? e);

/**
 * An open log.
 * @example
 * ```ts
 * const log = await EventLog.create('primary.jsonl');
 * log.append({ type: 'start', data: { role: 'primary' } });
 * await log.close();
 * ```
 * @public
 */
export class EventLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes of whole records in the current segment: a failed write is cut back to here. */
  private written = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: LockstepError | null = null;
  private nextSeq = 1;
  private segment = 1;

  private constructor(
    /** The first segment's file (with `next-free`, the name actually taken). */
    readonly path: string,
    private fd: number,
    private readonly clock: () => number,
    private readonly options: Required<
      Pick<EventLogOptions, 'highWaterMark' | 'segmentBytes' | 'keepSegments'>
    >,
  ) {}

  /**
   * Creates the log of a new run at `path`.
   * @throws LockstepError `log-exists` (a non-empty file is there), `log-not-regular`, `log-open-failed`.
   */
  static async create(path: string, options: EventLogOptions = {}): Promise<EventLog> {
    const file = openNewLog(path, options.existing ?? 'refuse');
    return new EventLog(file.path, file.fd, options.clock ?? Date.now, {
      highWaterMark: options.highWaterMark ?? 65536,
      segmentBytes: options.segmentBytes ?? 64 << 20,
      keepSegments: Math.max(1, options.keepSegments ?? 8),
    });
  }

  /** The seq the next append will get. */
  get seq(): number {
    return this.nextSeq;
  }

  /** The file being written now (the first segment's, or a later one's). */
  get currentPath(): string {
    return segmentPath(this.path, this.segment);
  }

  /** The current segment holds its size limit: the owner should {@link EventLog.roll} at its next record boundary. */
  get segmentFull(): boolean {
    return this.written + this.pendingBytes >= this.options.segmentBytes;
  }

  /** Why the last write failed, while records wait to be written; null when the file holds them all. */
  get writeFailure(): LockstepError | null {
    return this.failure;
  }

  /**
   * Appends one input and returns its record. Buffered: in the OS after {@link EventLog.flush}, on disk
   * after {@link EventLog.sync}. Never throws for I/O: a failed write shows in {@link EventLog.writeFailure}.
   */
  append<T>(input: LogInput<T>): LogEvent<T> {
    const event: LogEvent<T> = { seq: this.nextSeq++, ts: this.clock(), type: input.type, data: input.data };
    const line = encodeRecord(event);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= this.options.highWaterMark) this.tryFlush();
    return event;
  }

  /**
   * Hands everything appended so far to the OS, synchronously: it survives a kill -9 of this process
   * (not a power loss). Call it before an effect leaves the process, so the log never lags what a peer saw.
   * @throws LockstepError `log-write-failed` (ENOSPC, EIO, a write that makes no progress): the file is
   * cut back to its last whole record and the records stay pending for the next flush.
   */
  flush(): void {
    if (!this.tryFlush()) throw this.failure;
  }

  /** {@link EventLog.flush} that reports instead of throwing: true when every record is in the file. */
  tryFlush(): boolean {
    if (this.pendingBytes === 0) return true;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    let done = 0;
    try {
      while (done < bytes.byteLength) {
        const n = writeSync(this.fd, bytes, done, bytes.byteLength - done);
        if (n <= 0) {
          this.cutBack(done, `a write that made no progress after ${done} of ${bytes.byteLength} bytes`);
          return false;
        }
        done += n;
      }
    } catch (e) {
      this.cutBack(done, e);
      return false;
    }
    this.written += bytes.byteLength;
    this.pending = [];
    this.pendingBytes = 0;
    this.failure = null;
    return true;
  }

  /** No partial record survives a failed write: the file goes back to its last whole record. */
  private cutBack(done: number, cause: unknown): void {
    let why = errno(cause);
    if (done > 0) {
      try {
        ftruncateSync(this.fd, this.written);
      } catch (e) {
        why += `; cutting the partial record failed too (${errno(e)}), its tail reads as torn`;
      }
    }
    this.failure = new LockstepError('log-write-failed', { path: this.currentPath, actual: why });
  }

  /**
   * Closes the current segment (its records written, fsynced behind) and starts the next with `header`
   * as its first record, the sequence going on; segments older than the newest `keepSegments` are
   * removed. Returns false, changing nothing, when the records cannot be written or the new file made.
   */
  roll(header: LogInput): boolean {
    if (!this.tryFlush()) return false;
    const next = segmentPath(this.path, this.segment + 1);
    let fd: number | 'taken';
    try {
      fd = openExclusive(next);
    } catch (e) {
      this.failure =
        e instanceof LockstepError
          ? e
          : new LockstepError('log-write-failed', { path: next, actual: errno(e) });
      return false;
    }
    if (fd === 'taken') return false;
    const old = this.fd;
    this.writing = this.writing
      .catch(() => {})
      .then(() => datasyncFd(old))
      .finally(() => closeFd(old));
    this.fd = fd;
    this.segment++;
    this.written = 0;
    this.append(header);
    this.tryFlush();
    for (let n = this.segment - this.options.keepSegments; n >= 1; n--) {
      try {
        unlinkSync(segmentPath(this.path, n));
      } catch {
        break; // removed at an earlier roll, and so is every older one
      }
    }
    return true;
  }

  /** A durability point: everything appended so far is on disk when this resolves (fdatasync). */
  async sync(): Promise<void> {
    this.flush();
    const fd = this.fd;
    // a durability point waits for this fd only: an earlier failed sync was reported to its caller
    this.writing = this.writing.catch(() => {}).then(() => datasyncFd(fd));
    return this.writing;
  }

  /** Syncs (as far as the disk allows) and closes the file. */
  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.writing.catch(() => {});
      await closeFd(this.fd);
    }
  }
}
