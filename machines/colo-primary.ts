import { setup } from 'xstate';
import { coloExitReason } from './colo-mode.js';
import type { ColoThreadEvent } from './colo-shared.js';
import { awaitMessage, messageGuards, observedGuards, send } from './colo-shared.js';
import type { Profile } from './profiles.js';
import { DEFAULT_PROFILE } from './profiles.js';
import { TAG } from './tags.js';
import type { ColoExitReason, ColoMessage, MigrationStatus } from './vocabulary.js';

/**
 * What drives the primary's COLO thread (colo.c:colo_process_checkpoint), beside a COLO message,
 * a channel error and a step:
 * - `checkpoint-event`: colo_checkpoint_event is set (x-checkpoint-delay timer, colo-compare mismatch,
 *   failover kick, shutdown); the thread wakes and reads s->state.
 * - `ram-sent`: qemu_savevm_live_state returned: every dirty page and QEMU_VM_EOF are on the wire (and
 *   multifd synced).
 * - `exit-event`: colo_exit_event is set (end of primary_vm_do_failover, or colo_shutdown).
 * @public
 */
export type ColoPrimaryEvent =
  | ColoThreadEvent
  | { type: 'checkpoint-event'; migration: MigrationStatus }
  | { type: 'ram-sent' }
  | { type: 'exit-event' };

/** @internal No-op bodies: the machine describes its effects; the runtime performs them. */
const effect = () => {};

/**
 * The primary's side of the checkpoint protocol (reference §4, steps 1, 3, 5, 7, 9), from
 * CHECKPOINT_READY to the error exit where the thread waits for the operator (§5).
 *
 * Its actions are descriptions (`send`, `vm-stop`, `vm-start`, `send-ram`, `colo-exit`…) returned by
 * XState's pure `transition()`; the runtime performs them and feeds the results back as events.
 *
 * @example
 * ```ts
 * const primary = createColoPrimaryMachine(QEMU_11_0);
 * let [s] = initialTransition(primary);
 * [s] = transition(primary, s, { type: 'message', message: 'checkpoint-ready' }); // loop
 * ```
 * @public
 */
export function createColoPrimaryMachine(profile: Profile = DEFAULT_PROFILE) {
  return setup({
    types: {} as { events: ColoPrimaryEvent },
    guards: {
      ...messageGuards,
      ...observedGuards,
    },
    actions: {
      send: (_, _params: { message: ColoMessage }) => effect(),
      'failover-init': effect,
      'replication-start': effect,
      'replication-checkpoint': effect,
      'vm-stop': effect,
      'vm-start': effect,
      'arm-timer': effect,
      'reset-checkpoint-event': effect,
      'compare-checkpoint': effect,
      'save-device-state': effect,
      'send-ram': effect,
      'send-device-state': effect,
      'close-return-path': effect,
      'protocol-error': (_, _params: { expected: ColoMessage }) => effect(),
      'channel-error': effect,
      'colo-exit': (_, _params: { mode: 'primary'; reason: ColoExitReason }) => effect(),
      'checkpoint-completed': effect,
    },
  }).createMachine({
    id: 'colo-primary',
    description: `The primary's COLO thread, colo.c:colo_process_checkpoint (${profile.name})`,
    initial: 'wait-checkpoint-ready',
    entry: 'failover-init', // colo.c:colo_process_checkpoint -> failover_init_state
    states: {
      // colo.c:colo_process_checkpoint: colo_receive_check_message(CHECKPOINT_READY)
      'wait-checkpoint-ready': {
        on: awaitMessage('checkpoint-ready', 'loop', ['replication-start', 'vm-start', 'arm-timer']),
      },
      // while (s->state == COLO) { if (failover_get_state() != NONE) break; ...
      loop: {
        on: {
          step: [
            { target: 'out', guard: 'not-colo' },
            { target: 'out', guard: 'failover-requested' },
            { target: 'wait-checkpoint-event' },
          ],
        },
      },
      // qemu_event_wait(&s->colo_checkpoint_event); if (s->state != COLO) goto out;
      'wait-checkpoint-event': {
        tags: [TAG.idleWait],
        on: {
          'checkpoint-event': [
            { target: 'out', guard: 'not-colo' },
            // colo.c:colo_do_checkpoint_transaction step 1
            { target: 'wait-checkpoint-reply', actions: send('checkpoint-request') },
          ],
        },
      },
      'wait-checkpoint-reply': { on: awaitMessage('checkpoint-reply', 'stop-vm') },
      // BQL { if (failover_get_state() != NONE) goto out; vm_stop_force_state(RUN_STATE_COLO) }
      'stop-vm': {
        on: {
          step: [
            { target: 'out', guard: 'failover-requested' },
            { target: 'save-vmstate', actions: 'vm-stop' },
          ],
        },
      },
      // if (failover_get_state() != NONE) goto out; then VMSTATE_SEND, device state to a buffer, live RAM
      'save-vmstate': {
        tags: ['vm-stopped'],
        on: {
          step: [
            { target: 'out', guard: 'failover-requested' },
            {
              target: 'send-ram',
              actions: ['replication-checkpoint', send('vmstate-send'), 'save-device-state', 'send-ram'],
            },
          ],
        },
      },
      // qemu_savevm_live_state: the RAM stream and QEMU_VM_EOF (multifd pages, SYNC, MULTIFD_FLUSH)
      'send-ram': {
        tags: profile.sendRamUnderBql ? ['vm-stopped', 'bql'] : ['vm-stopped'],
        on: {
          // step 5: fflush(fb); VMSTATE_SIZE + be64 length, then the device blob
          'ram-sent': {
            target: 'wait-vmstate-received',
            actions: [send('vmstate-size'), 'send-device-state'],
          },
          'channel-error': { target: 'out', actions: 'channel-error' },
        },
      },
      'wait-vmstate-received': {
        tags: ['vm-stopped'],
        // step 7: qemu_event_reset(&s->colo_checkpoint_event); colo-compare COLO_EVENT_CHECKPOINT
        on: awaitMessage('vmstate-received', 'wait-vmstate-loaded', [
          'reset-checkpoint-event',
          'compare-checkpoint',
        ]),
      },
      // step 9: BQL { vm_start() }
      'wait-vmstate-loaded': {
        tags: ['vm-stopped'],
        on: awaitMessage('vmstate-loaded', 'loop', ['vm-start', 'checkpoint-completed']),
      },
      // out: COLO_EXIT(primary, reason sampled now); the PVM stays as it was (stopped mid-checkpoint)
      out: {
        on: {
          step: {
            target: 'wait-exit-event',
            actions: {
              type: 'colo-exit',
              params: ({ event }) => ({
                mode: 'primary' as const,
                reason: coloExitReason(event.type === 'step' ? event.failover : 'none'),
              }),
            },
          },
        },
      },
      // qemu_event_wait(&s->colo_exit_event): the operator must fail over (or QEMU quit)
      'wait-exit-event': {
        tags: [TAG.idleWait, TAG.awaitsFailover],
        // then migration.c:migration_iteration_finish falls through from COLO and restarts the PVM
        on: { 'exit-event': { target: 'exited', actions: ['close-return-path', 'vm-start'] } },
      },
      exited: { type: 'final' },
    },
  });
}

/** The type of the primary COLO machine. @public */
export type ColoPrimaryMachine = ReturnType<typeof createColoPrimaryMachine>;
