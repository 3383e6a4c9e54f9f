import { setup } from 'xstate';
import { coloExitReason } from './colo-mode.js';
import type { ColoThreadEvent } from './colo-shared.js';
import { awaitMessage, messageGuards, observedGuards, send } from './colo-shared.js';
import type { Profile } from './profiles.js';
import { DEFAULT_PROFILE } from './profiles.js';
import { TAG } from './tags.js';
import type { ColoExitReason, ColoMessage } from './vocabulary.js';

/**
 * What drives the secondary's COLO thread (colo.c:colo_process_incoming_thread), beside a COLO
 * message, a channel error and a step:
 * - `ram-loaded`: qemu_loadvm_state_main returned at QEMU_VM_EOF; every page of the checkpoint is in
 *   the colo cache and its bit in the bitmap (multifd channels synced).
 * - `device-state-received`: the VMSTATE_SIZE bytes of the device blob are in the local buffer.
 * - `load-error`: the device blob did not load (qemu_load_device_state failed).
 * - `incoming-event`: colo_incoming_event is set (end of secondary_vm_do_failover, or colo_shutdown).
 * @public
 */
export type ColoSecondaryEvent =
  | ColoThreadEvent
  | { type: 'ram-loaded' }
  | { type: 'device-state-received' }
  | { type: 'load-error' }
  | { type: 'incoming-event' };

const effect = () => {};

/**
 * The secondary's side of the checkpoint protocol (reference §4, steps 2, 4, 6, 8): the SVM stops on
 * CHECKPOINT_REQUEST, pages go to the colo cache only, the device blob to a buffer, and guest RAM
 * changes only in `load`, after the whole checkpoint has arrived. A failover requested while it
 * loads is deferred (RELAUNCH) and VMSTATE_LOADED is not sent.
 *
 * @example
 * ```ts
 * const secondary = createColoSecondaryMachine(QEMU_11_0);
 * let [s] = initialTransition(secondary);
 * [s] = transition(secondary, s, { type: 'step', failover: 'none', migration: 'active' }); // sends CHECKPOINT_READY
 * ```
 * @public
 */
export function createColoSecondaryMachine(profile: Profile = DEFAULT_PROFILE) {
  const loadActions = [
    'vmstate-loading-start',
    ...(profile.resetBeforeLoad ? ['system-reset' as const] : []), // colo.c: qemu_system_reset(SNAPSHOT_LOAD)
    'flush-ram-cache', // ram.c:colo_flush_ram_cache
    'load-device-state', // savevm.c:qemu_load_device_state
    'replication-checkpoint',
    'vmstate-loading-end',
    'vm-start',
    'checkpoint-completed', // the devices are loaded: this side's checkpoint is complete
  ] as const;
  return setup({
    types: {} as { events: ColoSecondaryEvent },
    guards: { ...messageGuards, ...observedGuards },
    actions: {
      send: (_, _params: { message: ColoMessage }) => effect(),
      'enter-colo': effect,
      'failover-init': effect,
      'start-dirty-log': effect,
      'replication-start': effect,
      'replication-checkpoint': effect,
      'vm-stop': effect,
      'vm-start': effect,
      'load-ram': effect,
      'receive-device-state': effect,
      'vmstate-loading-start': effect,
      'vmstate-loading-end': effect,
      'system-reset': effect,
      'flush-ram-cache': effect,
      'load-device-state': effect,
      'relaunch-handled': effect,
      'request-failover': effect,
      'protocol-error': (_, _params: { expected: ColoMessage }) => effect(),
      'channel-error': effect,
      'colo-exit': (_, _params: { mode: 'secondary'; reason: ColoExitReason }) => effect(),
      'checkpoint-completed': effect,
    },
  }).createMachine({
    id: 'colo-secondary',
    description: `The secondary's COLO thread, colo.c:colo_process_incoming_thread (${profile.name})`,
    initial: 'start',
    states: {
      // active -> colo; failover_init_state; colo_incoming_start_dirty_log; replication_start_all;
      // vm_start (the SVM runs before the first checkpoint); CHECKPOINT_READY
      start: {
        on: {
          step: {
            target: 'loop',
            actions: [
              'enter-colo',
              'failover-init',
              'start-dirty-log',
              'replication-start',
              'vm-start',
              send('checkpoint-ready'),
            ],
          },
        },
      },
      // while (mis->state == MIGRATION_STATUS_COLO)
      loop: { on: { step: [{ target: 'out', guard: 'not-colo' }, { target: 'wait-checkpoint-request' }] } },
      // colo.c:colo_wait_handle_message: anything but CHECKPOINT_REQUEST is an error
      'wait-checkpoint-request': { tags: [TAG.idleWait], on: awaitMessage('checkpoint-request', 'stop-vm') },
      // colo.c:colo_incoming_process_checkpoint: BQL { vm_stop_force_state(COLO) }; CHECKPOINT_REPLY
      'stop-vm': {
        on: { step: { target: 'wait-vmstate-send', actions: ['vm-stop', send('checkpoint-reply')] } },
      },
      'wait-vmstate-send': {
        tags: ['vm-stopped'],
        on: awaitMessage('vmstate-send', 'receive-ram', ['load-ram']),
      },
      // qemu_loadvm_state_main: pages to the colo cache and bitmap only, until QEMU_VM_EOF
      'receive-ram': {
        tags: profile.receiveRamUnderBql ? ['vm-stopped', 'bql'] : ['vm-stopped'],
        on: {
          'ram-loaded': 'wait-vmstate-size',
          'channel-error': { target: 'out', actions: 'channel-error' },
        },
      },
      'wait-vmstate-size': {
        tags: ['vm-stopped'],
        on: awaitMessage('vmstate-size', 'receive-device-state', ['receive-device-state']),
      },
      // qemu_get_buffer(total_size) into the local buffer; then VMSTATE_RECEIVED
      'receive-device-state': {
        tags: ['vm-stopped'],
        on: {
          'device-state-received': { target: 'load', actions: send('vmstate-received') },
          'channel-error': { target: 'out', actions: 'channel-error' },
        },
      },
      // BQL { vmstate_loading = true; [reset]; flush cache; load devices; vmstate_loading = false; vm_start }
      load: {
        tags: ['vm-stopped', 'bql', 'vmstate-loading'],
        on: { step: { target: 'loaded', actions: loadActions }, 'load-error': 'out' },
      },
      // if (failover_get_state() == FAILOVER_STATUS_RELAUNCH) return; -- no VMSTATE_LOADED; back in the loop
      // the thread reads RELAUNCH again (only it clears it), sets none, requests failover again and breaks:
      // one stretch of code, so one step
      loaded: {
        on: {
          step: [
            { target: 'out', guard: 'relaunch', actions: ['relaunch-handled', 'request-failover'] },
            { target: 'check-failover', actions: send('vmstate-loaded') },
          ],
        },
      },
      // back in the loop: if (failover_get_state() != NONE) break;
      'check-failover': {
        on: { step: [{ target: 'out', guard: 'failover-requested' }, { target: 'loop' }] },
      },
      // out: COLO_EXIT(secondary, reason sampled now)
      out: {
        on: {
          step: {
            target: 'wait-incoming-event',
            actions: {
              type: 'colo-exit',
              params: ({ event }) => ({
                mode: 'secondary' as const,
                reason: coloExitReason(event.type === 'step' ? event.failover : 'none'),
              }),
            },
          },
        },
      },
      // qemu_event_wait(&mis->colo_incoming_event): waits for failover (or QEMU quit)
      'wait-incoming-event': {
        tags: [TAG.idleWait, TAG.awaitsFailover],
        on: { 'incoming-event': 'exited' },
      },
      exited: { type: 'final' },
    },
  });
}

/** The type of the secondary COLO machine. @public */
export type ColoSecondaryMachine = ReturnType<typeof createColoSecondaryMachine>;
