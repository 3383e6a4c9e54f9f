import { classifyQmp, type QmpMessage, timestampMicros } from '../qmp/wire.js';
import { TraceReadError, type TraceSide, type TraceWarning } from './report.js';

/** One readable line of a QMP log. @public */
export interface TraceEntry {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly message: QmpMessage;
  /** The raw line, exactly as recorded. */
  readonly raw: string;
}

/**
 * Reads QMP log lines one at a time, keeping line numbers, so the batch checker and the live
 * `attachTrace` read the same way. Anything after a readable first line is read past with a warning.
 * @public
 */
export class TraceReader {
  private lineNo = 0;
  private sawMessage = false;
  private lastTime: number | null = null;

  /**
   * Reads the next line. Returns the entry (or null for a skipped line) and the warnings it raised.
   * @throws TraceReadError when the first non-empty line is not a QMP message: the input is no QMP log
   */
  read(raw: string, isLast = false): { entry: TraceEntry | null; warnings: TraceWarning[] } {
    const line = ++this.lineNo;
    const warnings: TraceWarning[] = [];
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return { entry: null, warnings };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!this.sawMessage) throw new TraceReadError(line, `not JSON, so not a QMP log (${detail})`);
      const truncated = text.trimStart().startsWith('{');
      warnings.push({
        line,
        code: truncated ? 'truncated' : 'garbage',
        message: truncated
          ? `truncated JSON${isLast ? ' at the end of the log' : ''}; line skipped (${detail})`
          : `not JSON; line skipped: ${text.slice(0, 60)}`,
      });
      return { entry: null, warnings };
    }
    const message = classifyQmp(value);
    if (!message) {
      if (!this.sawMessage) throw new TraceReadError(line, 'not a QMP greeting, command, reply or event');
      warnings.push({ line, code: 'not-qmp', message: 'JSON but no QMP message; line skipped' });
      return { entry: null, warnings };
    }
    this.sawMessage = true;
    if (message.kind === 'event')
      this.checkTime(line, message.value.event, timestampMicros(message.value), warnings);
    return { entry: { line, message, raw: text }, warnings };
  }

  /** True once a QMP message was read: the input is a QMP log. */
  get readable(): boolean {
    return this.sawMessage;
  }

  /** The 1-based number of the line read last (0 before the first). */
  get lastLine(): number {
    return this.lineNo;
  }

  /** Events carry QEMU's wall clock (qapi/qmp-event.c:timestamp_put); it must not run backwards. */
  private checkTime(line: number, event: string, time: number | null, warnings: TraceWarning[]): void {
    if (time === null) {
      warnings.push({ line, code: 'no-timestamp', message: `${event} has no valid timestamp` });
      return;
    }
    if (this.lastTime !== null && time < this.lastTime) {
      const back = ((this.lastTime - time) / 1e6).toFixed(6);
      warnings.push({
        line,
        code: 'time-order',
        message: `${event} is ${back} s older than the event before it`,
      });
    }
    this.lastTime = Math.max(time, this.lastTime ?? time);
  }
}

/** Splits a whole log into lines (a trailing newline adds no line). @public */
export function splitLog(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Which side a log comes from, and the line that tells. @public */
export interface InferredSide {
  readonly side: TraceSide;
  readonly line: number;
  /** What on that line tells it, e.g. `migrate-incoming` or `COLO_EXIT mode secondary`. */
  readonly because: string;
}

/** COLO's modes (query-colo-status, COLO_EXIT) and the side each names. */
const MODE_SIDES: Readonly<Record<string, TraceSide>> = { primary: 'source', secondary: 'incoming' };

/**
 * The side a QMP log tells by itself: the first `migrate` (source) or `migrate-incoming` (incoming)
 * command, or a COLO mode in a COLO_EXIT event or a query-colo-status reply. Null when nothing tells.
 * @public
 */
export function inferSide(lines: readonly string[]): InferredSide | null {
  const coloStatusIds = new Set<string>();
  for (const [index, raw] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const message = classifyQmp(value);
    const line = index + 1;
    if (message?.kind === 'command') {
      if (message.name === 'migrate') return { side: 'source', line, because: 'migrate' };
      if (message.name === 'migrate-incoming') return { side: 'incoming', line, because: 'migrate-incoming' };
      if (message.name === 'query-colo-status') coloStatusIds.add(JSON.stringify(message.value.id));
      continue;
    }
    const data = (value as { data?: { mode?: unknown }; return?: { mode?: unknown }; id?: unknown }) ?? {};
    const mode =
      message?.kind === 'event' && message.value.event === 'COLO_EXIT'
        ? data.data?.mode
        : message?.kind === 'reply' && coloStatusIds.has(JSON.stringify(data.id))
          ? data.return?.mode
          : undefined;
    const side = typeof mode === 'string' ? MODE_SIDES[mode] : undefined;
    if (side) return { side, line, because: `COLO mode ${String(mode)}` };
  }
  return null;
}
