/**
 * Reading an event log back: streamed in chunks, split on newline bytes, each line parsed and checked.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { fail } from '../errors.js';
import { eventShapeError, type LogEvent } from './event.js';

/** The torn last line a crash mid-write left behind; it was dropped. @public */
export interface TornLine {
  /** Its line number (1-based). */
  readonly line: number;
  /** Its length in bytes. */
  readonly bytes: number;
  /** Byte offset where it starts: truncate there to repair the file. */
  readonly offset: number;
}

/** A log as read: its whole events, and the torn last line if there was one. @public */
export interface LogContents {
  /** Every whole event, in order, seq 1..n. */
  readonly events: LogEvent[];
  /** The dropped torn last line, or null. */
  readonly torn: TornLine | null;
}

type Parsed = { ok: true; event: LogEvent } | { ok: false; why: string };

function parse(text: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  const why = eventShapeError(v);
  return why === null ? { ok: true, event: v as LogEvent } : { ok: false, why };
}

/**
 * Reads the log at `path`. A last line that is not a whole event is the torn tail of a crash and is
 * dropped (reported in `torn`); a bad line anywhere else is corruption.
 * @throws LockstepError `log-corrupt-line` (file and line) or `log-sequence-gap`.
 * @public
 */
export async function readLog(path: string): Promise<LogContents> {
  const events: LogEvent[] = [];
  let bad: { line: number; offset: number; bytes: number; why: string } | null = null;
  let line = 0;
  let offset = 0; // byte offset of the start of `pending`
  let pending: Buffer = Buffer.alloc(0);
  const take = (bytes: Buffer, start: number) => {
    line++;
    if (bad) fail('log-corrupt-line', { path, line: bad.line, actual: bad.why });
    const r = parse(bytes.toString('utf8'));
    if (!r.ok) bad = { line, offset: start, bytes: bytes.byteLength, why: r.why };
    else if (r.event.seq !== events.length + 1)
      fail('log-sequence-gap', { path, line, expected: events.length + 1, actual: r.event.seq });
    else events.push(r.event);
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let buf = pending.byteLength ? Buffer.concat([pending, chunk]) : chunk;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
      take(buf.subarray(0, nl), offset);
      offset += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    pending = buf;
  }
  if (pending.byteLength > 0) take(pending, offset);
  const torn = bad as { line: number; offset: number; bytes: number } | null;
  return { events, torn: torn && { line: torn.line, bytes: torn.bytes, offset: torn.offset } };
}
