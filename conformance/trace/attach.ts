import type { QmpClient } from '../qmp/client.js';
import { EventStream } from '../qmp/event-stream.js';
import { TraceChecker, type TraceItem } from './checker.js';
import type { TraceOptions, TraceReport } from './report.js';

/** Options of {@link attachTrace}. @public */
export interface AttachTraceOptions extends TraceOptions {
  /** Called with each item as it happens (in addition to the `items` iterator). */
  readonly onItem?: (item: TraceItem) => void;
  /** An in-band command unanswered this long after a STOP with no RESUME counts as wedged (5 000 ms). */
  readonly wedgedAfterMs?: number;
}

/** A live trace check on a client's traffic. @public */
export interface TraceAttachment {
  /** Statuses, violations, findings and warnings as they happen; ends at `stop()` or when QMP closes. */
  readonly items: AsyncIterableIterator<TraceItem>;
  /** Stops watching and returns the report so far (with the findings that hold at this moment). */
  stop(): TraceReport;
}

/**
 * Checks a running QEMU or lockstep node live: the same checker as `checkTrace`, fed with the client's
 * wire traffic as it happens; the greeting (read before attaching) is fed first. Wedge detection runs on
 * a timer, because a wedged QEMU produces no traffic that would wake the checker.
 * @example
 * ```ts
 * const qmp = await QmpClient.connect({ path: 'qmp.sock' });
 * const live = attachTrace(qmp, { side: 'source', profile: QEMU_7_2, onItem: (i) => console.log(i) });
 * ```
 * @public
 */
export function attachTrace(client: QmpClient, options: AttachTraceOptions): TraceAttachment {
  const checker = new TraceChecker(options);
  const items = new EventStream<TraceItem>();
  const emit = (item: TraceItem) => {
    items.push(item);
    options.onItem?.(item);
  };
  const wedgedAfterMs = options.wedgedAfterMs ?? 5000;
  const poll = () => {
    for (const finding of checker.openFindings(wedgedAfterMs)) emit({ type: 'finding', finding });
  };
  const feed = (line: string) => {
    for (const item of checker.push(line)) emit(item);
    poll();
  };
  feed(JSON.stringify(client.greeting));
  const unsubscribe = client.onTraffic(feed);
  const timer = setInterval(poll, Math.max(50, Math.min(1000, wedgedAfterMs / 4)));
  timer.unref();
  let stopped = false;
  const stop = (): TraceReport => {
    if (!stopped) {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      items.end();
    }
    return checker.finish();
  };
  void client.closed.then(() => {
    unsubscribe();
    clearInterval(timer);
    items.end();
  });
  return { items, stop };
}
