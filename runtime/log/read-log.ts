/**
 * Reading an event log back: streamed in chunks, split on newline bytes, each record checked against its
 * length and checksum, then its sequence number.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { fail } from '../errors.js';
import type { LogEvent } from './event.js';
import { decodeRecord } from './record.js';

/** The torn last line a crash mid-write left behind; it was dropped. @public */
export interface TornLine {
  /** Its line number (1-based). */
  readonly line: number;
  /** Its length in bytes. */
  readonly bytes: number;
  /** Byte offset where it starts. */
  readonly offset: number;
}

/** Options of {@link readLog}. @public */
export interface ReadLogOptions {
  /** The file is a later segment of a log: its first record's seq, not 1, starts the sequence. */
  readonly continues?: boolean;
}

/** A log as read: its whole events, and the torn last line if there was one. @public */
export interface LogContents {
  /** Every whole event, in order, seq 1..n (or on from a later segment's first). */
  readonly events: LogEvent[];
  /** The dropped torn last line, or null. */
  readonly torn: TornLine | null;
}

/**
 * Reads the log at `path`. Only a last line with no newline after it can be the torn tail of a crash
 * mid-write: it is dropped and reported in `torn` unless it is a whole record. Any line that ends in a
 * newline and fails its length, checksum or shape is corruption, wherever it is.
 * @throws LockstepError `log-corrupt-line` (file, line, byte offset and why) or `log-sequence-gap`.
 * @example
 * ```ts
 * const { events, torn } = await readLog('primary.jsonl');
 * ```
 * @public
 */
export async function readLog(path: string, options: ReadLogOptions = {}): Promise<LogContents> {
  const events: LogEvent[] = [];
  let firstSeq = 1;
  let line = 0;
  let offset = 0; // byte offset of the start of `pending`
  let pending: Buffer = Buffer.alloc(0);
  const take = (bytes: Buffer, start: number, ended: boolean): TornLine | null => {
    line++;
    const record = decodeRecord(bytes.toString('utf8'));
    if (!record.ok) {
      if (!ended) return { line, bytes: bytes.byteLength, offset: start };
      fail('log-corrupt-line', { path, line, offset: start, actual: record.why });
    }
    if (line === 1 && options.continues) firstSeq = record.event.seq;
    if (record.event.seq !== firstSeq + events.length)
      fail('log-sequence-gap', {
        path,
        line,
        offset: start,
        expected: firstSeq + events.length,
        actual: record.event.seq,
      });
    events.push(record.event);
    return null;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let buf = pending.byteLength ? Buffer.concat([pending, chunk]) : chunk;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
      take(buf.subarray(0, nl), offset, true);
      offset += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    pending = buf;
  }
  const torn = pending.byteLength > 0 ? take(pending, offset, false) : null;
  return { events, torn };
}
