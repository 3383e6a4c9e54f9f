/**
 * The quiet point of the replay's scheduler: after every step it waits until each byte written on a
 * real socket has been read into the peer's holding queue, and each close has reached the other end.
 * Then the holding queues are exactly the model's link queues, and the next step cannot depend on
 * how fast loopback TCP happened to be.
 * @packageDocumentation
 */
import { fail } from '../runtime/errors.js';
import type { Endpoint } from './endpoint.js';

/** The two ends of one TCP connection. @public */
export interface Connection {
  readonly a: Endpoint<unknown>;
  readonly b: Endpoint<unknown>;
}

/** Everything written from `x` has arrived at `y`, or will never arrive. */
const drained = (x: Endpoint<unknown>, y: Endpoint<unknown>): boolean =>
  y.received >= x.written || y.closedHere || y.peerGone;

/** A close at `x` has been seen at `y` (FIN or RST read), or `y` is closed itself. */
const closeSeen = (x: Endpoint<unknown>, y: Endpoint<unknown>): boolean =>
  !x.closedHere || y.peerGone || y.closedHere;

/** True when nothing is in flight on any connection. @public */
export function isQuiet(connections: readonly Connection[]): boolean {
  return connections.every(
    ({ a, b }) => drained(a, b) && drained(b, a) && closeSeen(a, b) && closeSeen(b, a),
  );
}

/**
 * Resolves once {@link isQuiet}; polls the event loop (a socket's bytes arrive as I/O events).
 * @throws LockstepError `replay-stalled` after `limitMs`, naming the connection still busy.
 * @public
 */
export async function quiet(connections: readonly Connection[], limitMs = 5000): Promise<void> {
  const started = performance.now();
  for (let spin = 0; !isQuiet(connections); spin++) {
    if (performance.now() - started > limitMs) {
      const busy = connections.find((c) => !isQuiet([c]));
      fail('replay-stalled', {
        message: `the bytes or the close on ${busy?.a.name ?? 'a channel'}`,
        limit: limitMs,
      });
    }
    await new Promise((resolve) => (spin < 100 ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
}
