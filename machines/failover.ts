import { setup } from 'xstate';
import type { ColoMode } from './vocabulary.js';

/**
 * What moves FailoverStatus (colo-failover.c, colo.c; reference §2c).
 * - `failover-init`: failover_init_state, a plain store at the start of each COLO thread.
 * - `x-colo-lost-heartbeat`: the QMP command; QEMU refuses it when the node is not in COLO mode.
 * - `request`: failover_request_active from the secondary COLO thread after a relaunch.
 * - `bottom-half`: colo_failover_bh takes the request.
 * - `failover-done`: primary_vm_do_failover or secondary_vm_do_failover finished.
 * - `defer`: secondary_vm_do_failover found the secondary loading a checkpoint.
 * - `relaunch-handled`: the secondary COLO thread, after the load, before it requests again.
 * @public
 */
export type FailoverEvent =
  | { type: 'failover-init' }
  | { type: 'x-colo-lost-heartbeat'; coloMode: ColoMode }
  | { type: 'request' }
  | { type: 'bottom-half' }
  | { type: 'failover-done' }
  | { type: 'defer' }
  | { type: 'relaunch-handled' };

/**
 * FailoverStatus: none → require → active → completed, with the secondary's relaunch detour
 * (active → relaunch → none → require) while it loads a checkpoint.
 *
 * @example
 * ```ts
 * const machine = createFailoverMachine();
 * const [s0] = initialTransition(machine);
 * const [s1] = transition(machine, s0, { type: 'x-colo-lost-heartbeat', coloMode: 'secondary' }); // require
 * ```
 * @public
 */
export function createFailoverMachine() {
  const reset = { 'failover-init': { target: '#failover.none', reenter: true } }; // colo-failover.c:failover_init_state
  return setup({
    types: {} as { events: FailoverEvent },
    guards: {
      // colo-failover.c:qmp_x_colo_lost_heartbeat: "VM is not in COLO mode"
      'in-colo-mode': ({ event }) => event.type === 'x-colo-lost-heartbeat' && event.coloMode !== 'none',
    },
  }).createMachine({
    id: 'failover',
    description: 'FailoverStatus (colo-failover.c)',
    initial: 'none',
    states: {
      none: {
        on: {
          ...reset,
          'x-colo-lost-heartbeat': { target: 'require', guard: 'in-colo-mode' }, // colo-failover.c:failover_request_active
          request: 'require', // colo-failover.c:failover_request_active
        },
      },
      require: { on: { ...reset, 'bottom-half': 'active' } }, // colo-failover.c:colo_failover_bh
      active: {
        on: {
          ...reset,
          'failover-done': 'completed', // colo.c:primary_vm_do_failover, secondary_vm_do_failover
          defer: 'relaunch', // colo.c:secondary_vm_do_failover while vmstate_loading
        },
      },
      completed: { on: reset },
      relaunch: { on: { ...reset, 'relaunch-handled': 'none' } }, // colo.c:colo_process_incoming_thread
    },
  });
}

/** The type of the failover machine. @public */
export type FailoverMachine = ReturnType<typeof createFailoverMachine>;
