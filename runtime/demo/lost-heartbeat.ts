import { awaitsFailover, tookOver } from '../../machines/index.js';
import { fail } from '../errors.js';
import type { NodeRuntime } from '../node/index.js';
import { waitFor } from './wait.js';

/**
 * Management's part of a failover on the survivor, as the COLO manual has it: wait until its COLO thread
 * has seen the peer go (COLO_EXIT), send x-colo-lost-heartbeat, and wait until failover has completed
 * and the VM runs as the service. Rejects with QEMU's error if the command is refused.
 * @public
 */
export async function failOverTo(survivor: NodeRuntime): Promise<void> {
  await waitFor(survivor, 'COLO_EXIT', () => awaitsFailover(survivor.state));
  const reply = await survivor.qmp('x-colo-lost-heartbeat');
  if ('error' in reply)
    fail('qmp-refused', {
      message: 'x-colo-lost-heartbeat',
      state: survivor.options.role,
      actual: reply.error.desc,
    });
  // and the main loop finished the takeover (colo_incoming_co joined the COLO thread)
  await waitFor(survivor, 'failover', () => tookOver(survivor.state) && !survivor.state.joiningColo);
}
