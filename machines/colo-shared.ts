import type { ColoMessage, FailoverStatus, MigrationStatus } from './vocabulary.js';
import { COLO_MESSAGES } from './vocabulary.js';

/**
 * What a COLO thread reads when it runs its next stretch of code: the shared statuses QEMU reads
 * there with failover_get_state() and s->state / mis->state. The runtime and the model checker fill
 * these in from their own failover and migration machines, so a step sees the world as it is now.
 * @public
 */
export interface Observed {
  readonly failover: FailoverStatus;
  readonly migration: MigrationStatus;
}

/** Events both COLO threads take: a COLO message from the peer, a channel error, a step. @public */
export type ColoThreadEvent =
  | { type: 'message'; message: ColoMessage; value?: number } // a COLO message read from the peer
  | { type: 'channel-error' } // a read or write on the migration channel failed (yank, peer gone, link down)
  | ({ type: 'step' } & Observed); // the thread runs its next stretch of code

/** @internal Guards see any event of the thread; they read only the fields they need. */
type Args = { event: { type: string } & Partial<Observed> & { message?: ColoMessage } };

/** @internal One guard per COLO message, named after it, true when the event carries that message. */
export const messageGuards = Object.fromEntries(
  COLO_MESSAGES.map((name) => [
    name,
    ({ event }: Args) => event.type === 'message' && event.message === name,
  ]),
) as Record<ColoMessage, (args: Args) => boolean>;

/** @internal The checks the COLO loops make on the shared statuses. */
export const observedGuards = {
  'failover-requested': ({ event }: Args) => event.type === 'step' && event.failover !== 'none',
  relaunch: ({ event }: Args) => event.type === 'step' && event.failover === 'relaunch',
  'not-colo': ({ event }: Args) => event.migration !== undefined && event.migration !== 'colo',
};

/**
 * @internal The transitions out of a state that waits for one COLO message: the expected one moves on,
 * any other is colo.c:colo_receive_check_message's "Unexpected COLO message", a broken channel is an error.
 */
export function awaitMessage<const A extends readonly unknown[] = []>(
  expected: ColoMessage,
  target: string,
  actions: A = [] as unknown as A,
) {
  return {
    message: [
      { target, guard: expected, actions },
      { target: 'out', actions: { type: 'protocol-error', params: { expected } } },
    ],
    'channel-error': { target: 'out', actions: 'channel-error' },
  } as const;
}

/** @internal The action that writes one COLO message to the peer. */
export const send = (message: ColoMessage) => ({ type: 'send', params: { message } }) as const;
