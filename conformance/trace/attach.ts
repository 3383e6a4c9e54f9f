import type { QmpClient } from '../qmp/client.js';
import { QmpError } from '../qmp/errors.js';
import { EventStream } from '../qmp/event-stream.js';
import { classifyQmp } from '../qmp/wire.js';
import { TraceChecker, type TraceItem } from './checker.js';
import type { TraceOptions, TraceReport, TraceSide, TraceStart } from './report.js';

/** Options of {@link attachTrace}. @public */
export interface AttachTraceOptions extends Omit<TraceOptions, 'side' | 'unseenCommands'> {
  /** The side of the QEMU; by default what it reports (COLO mode, or `inmigrate`), else `source`. */
  readonly side?: TraceSide;
  /** Called with each item as it happens (in addition to the `items` iterator). */
  readonly onItem?: (item: TraceItem) => void;
  /** An in-band command unanswered this long after a STOP with no RESUME counts as wedged (5 000 ms). */
  readonly wedgedAfterMs?: number;
}

/** What the QEMU reported when the attach began, and the side it is judged as. @public */
export interface AttachStart extends TraceStart {
  readonly side: TraceSide;
  /** Where the side comes from: the caller, the QEMU's own answers, or the default. */
  readonly sideFrom: 'option' | 'query-colo-status' | 'query-status' | 'default';
  /** query-colo-status's mode (`none` when the command is missing). */
  readonly coloMode: string;
  /** False when the QEMU has no query-migrate-capabilities: `capabilities` is then empty, not known. */
  readonly capabilitiesReported: boolean;
}

/** A live trace check on a client's traffic. @public */
export interface TraceAttachment {
  /** The state the check started from. */
  readonly start: AttachStart;
  /** Statuses, violations, findings and warnings as they happen; ends at `stop()` or when QMP closes. */
  readonly items: AsyncIterableIterator<TraceItem>;
  /** Stops watching and returns the report so far (with the findings that hold at this moment). */
  stop(): TraceReport;
}

/** The four questions asked before judging anything, in the order QEMU answers them. */
const QUERIES = ['query-migrate-capabilities', 'query-colo-status', 'query-status', 'query-migrate'] as const;

/** An answer, or undefined when this QEMU has no such command (an old QEMU without COLO). */
async function ask(
  client: QmpClient,
  command: string,
): Promise<Record<string, unknown> | unknown[] | undefined> {
  try {
    return (await client.execute(command)) as Record<string, unknown> | unknown[];
  } catch (error) {
    if (error instanceof QmpError && error.errorClass === 'CommandNotFound') return undefined;
    throw error;
  }
}

/** The side a QEMU tells by itself: its COLO mode, or `inmigrate` while it waits for an incoming migration. */
function sideOf(
  given: TraceSide | undefined,
  coloMode: string,
  runState: unknown,
): Pick<AttachStart, 'side' | 'sideFrom'> {
  if (given) return { side: given, sideFrom: 'option' };
  if (coloMode === 'primary') return { side: 'source', sideFrom: 'query-colo-status' };
  if (coloMode === 'secondary') return { side: 'incoming', sideFrom: 'query-colo-status' };
  if (runState === 'inmigrate') return { side: 'incoming', sideFrom: 'query-status' };
  return { side: 'source', sideFrom: 'default' };
}

/**
 * Checks a running QEMU or lockstep node live. It first asks the QEMU where it is (query-migrate-capabilities,
 * query-colo-status, query-status, query-migrate, sent together so they see one moment) and starts the
 * checker there; then it follows every event. Events that arrive before the last answer are already in the
 * answers and are not judged again. This session never sees commands sent on other monitors (a management
 * tool's `migrate-set-capabilities` or `x-colo-lost-heartbeat`), so a failover proven by events is taken as
 * such a command, still checked against COLO's rules. Wedge detection runs on a timer, because a wedged QEMU
 * produces no traffic that would wake the checker.
 * @throws QmpError and the client's errors when a query fails for another reason than a missing command
 * @example
 * ```ts
 * const qmp = await QmpClient.connect({ host: '127.0.0.1', port: 4444 });
 * const live = await attachTrace(qmp, { profile: QEMU_7_2, onItem: (i) => console.log(i) });
 * console.log(live.start.status, live.start.side);
 * ```
 * @public
 */
export async function attachTrace(client: QmpClient, options: AttachTraceOptions): Promise<TraceAttachment> {
  let answered = 0;
  let afterAnswers: string[] | null = null;
  let feed: ((line: string) => void) | null = null;
  const unsubscribe = client.onTraffic((line, direction) => {
    if (feed) return feed(line);
    if (afterAnswers) return void afterAnswers.push(line);
    const message = direction === 'in' ? classifyQmp(safeParse(line)) : null;
    if (message?.kind === 'reply' || message?.kind === 'error') answered++;
    if (answered === QUERIES.length) afterAnswers = [];
  });
  let answers: Array<Record<string, unknown> | unknown[] | undefined>;
  try {
    answers = await Promise.all(QUERIES.map((command) => ask(client, command)));
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const [capabilities, colo, runState, migrate] = answers as [
    unknown[] | undefined,
    { mode?: unknown } | undefined,
    { running?: unknown; status?: unknown } | undefined,
    { status?: unknown } | undefined,
  ];
  const coloMode = typeof colo?.mode === 'string' ? colo.mode : 'none';
  const start: AttachStart = {
    status: typeof migrate?.status === 'string' ? migrate.status : 'none',
    running: runState?.running === true,
    capabilities: (capabilities ?? []) as AttachStart['capabilities'],
    capabilitiesReported: capabilities !== undefined,
    coloMode,
    ...sideOf(options.side, coloMode, runState?.status),
  };

  const checker = new TraceChecker({ side: start.side, profile: options.profile, unseenCommands: true });
  const items = new EventStream<TraceItem>();
  const emit = (item: TraceItem) => {
    items.push(item);
    options.onItem?.(item);
  };
  const wedgedAfterMs = options.wedgedAfterMs ?? 5000;
  const poll = () => {
    for (const finding of checker.openFindings(wedgedAfterMs)) emit({ type: 'finding', finding });
  };
  const judge = (line: string) => {
    for (const item of checker.push(line)) emit(item);
    poll();
  };
  judge(JSON.stringify(client.greeting));
  checker.startFrom(start);
  for (const line of afterAnswers ?? []) judge(line);
  feed = judge;
  const timer = setInterval(poll, Math.max(50, Math.min(1000, wedgedAfterMs / 4)));
  timer.unref();
  let stopped = false;
  const end = () => {
    unsubscribe();
    clearInterval(timer);
    items.end();
  };
  const stop = (): TraceReport => {
    if (!stopped) {
      stopped = true;
      end();
    }
    return checker.finish();
  };
  void client.closed.then(end);
  return { start, items, stop };
}

function safeParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
