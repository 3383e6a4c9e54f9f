/**
 * One record of the event log as bytes: a JSON object on one line whose last two fields are the byte
 * length of the record without them (`len`) and a CRC-32 of those bytes (`crc`). The line stays JSON
 * (jq and grep read it), and a flipped bit, an edited value or a cut record is found on the line it is on.
 * @packageDocumentation
 */
import { crc32 } from 'node:zlib';
import { eventShapeError, type LogEvent } from './event.js';

const TRAILER = /,"len":(\d{1,10}),"crc":"([0-9a-f]{8})"\}$/;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * The line for `event`, newline included.
 * @example
 * ```ts
 * encodeRecord({ seq: 1, ts: 0, type: 'x', data: null });
 * // '{"seq":1,"ts":0,"type":"x","data":null,"len":41,"crc":"…"}\n'
 * ```
 * @internal
 */
export function encodeRecord(event: LogEvent): string {
  const body = JSON.stringify(event);
  const bytes = Buffer.from(body, 'utf8');
  return `${body.slice(0, -1)},"len":${bytes.byteLength},"crc":"${hex8(crc32(bytes))}"}\n`;
}

/** A line read back: its event, or what is wrong with it. @internal */
export type DecodedRecord =
  | { readonly ok: true; readonly event: LogEvent }
  | { readonly ok: false; readonly why: string };

/** Checks a line (without its newline) against its length and checksum, then parses it. @internal */
export function decodeRecord(line: string): DecodedRecord {
  const trailer = TRAILER.exec(line);
  if (trailer === null)
    return { ok: false, why: 'no "len" and "crc" trailer (not a lockstep log record, or cut short)' };
  const body = `${line.slice(0, trailer.index)}}`;
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.byteLength !== Number(trailer[1]))
    return { ok: false, why: `length ${bytes.byteLength} where the record says ${trailer[1]}` };
  const crc = hex8(crc32(bytes));
  if (crc !== trailer[2])
    return { ok: false, why: `checksum ${crc} where the record says ${trailer[2]} (the line was altered)` };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  const why = eventShapeError(value);
  return why === null ? { ok: true, event: value as LogEvent } : { ok: false, why };
}
