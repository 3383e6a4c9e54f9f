import { type AnyStateMachine, initialTransition, transition } from 'xstate';
import { coloExitReason } from '../../machines/colo-mode.js';
import { type MachineGraph, machineGraph } from '../../machines/introspect.js';
import { MACHINES } from '../../machines/registry.js';
import type { ColoMode, FailoverStatus } from '../../machines/vocabulary.js';

/** Failover events a QMP log shows (the command) or that reset the status (a new COLO thread). */
const OBSERVED = new Set(['x-colo-lost-heartbeat', 'failover-init']);

/**
 * Follows FailoverStatus through the failover machine for one node. QMP shows only the
 * x-colo-lost-heartbeat command and, indirectly, its completion (colo → completed); the steps between
 * (colo_failover_bh, *_vm_do_failover) are unobservable, so the checker asks what the machine can reach
 * from the status it knows.
 * @public
 */
export class FailoverReplay {
  private readonly machine: AnyStateMachine = MACHINES.failover.create();
  private readonly graph: MachineGraph = machineGraph(this.machine);
  private snapshot = initialTransition(this.machine)[0];

  /** The last status the log proves. */
  get status(): FailoverStatus {
    return this.snapshot.value as FailoverStatus;
  }

  /** A COLO thread started: colo-failover.c:failover_init_state. */
  init(): void {
    this.send({ type: 'failover-init' });
  }

  /** x-colo-lost-heartbeat succeeded; false when the machine refuses it (not in COLO mode). */
  heartbeat(coloMode: ColoMode): boolean {
    const before = this.status;
    this.send({ type: 'x-colo-lost-heartbeat', coloMode });
    return before !== this.status;
  }

  /** colo → completed was observed (primary_vm_do_failover / secondary_vm_do_failover); false when unreachable. */
  complete(): boolean {
    if (!this.reachable().has('completed')) return false;
    this.snapshot = this.machine.resolveState({ value: 'completed', context: this.snapshot.context });
    return true;
  }

  /** The COLO_EXIT reasons a COLO thread can sample now (colo-mode.ts:coloExitReason over what is reachable). */
  exitReasons(): Set<string> {
    return new Set([...this.reachable()].map(coloExitReason));
  }

  /**
   * Statuses reachable through unobservable events. `request` is taken only right after
   * `relaunch-handled`: colo.c:colo_process_incoming_thread calls failover_request_active only after a
   * relaunch, never on its own.
   */
  reachable(): Set<FailoverStatus> {
    const seen = new Set<string>();
    const queue: Array<{ state: string; afterRelaunch: boolean }> = [
      { state: this.status, afterRelaunch: false },
    ];
    const result = new Set<FailoverStatus>();
    while (queue.length > 0) {
      const { state, afterRelaunch } = queue.shift()!;
      const key = `${state}/${afterRelaunch}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.add(state as FailoverStatus);
      for (const edge of this.graph.transitions) {
        if (edge.from !== state || OBSERVED.has(edge.event)) continue;
        if (edge.event === 'request' && !afterRelaunch) continue;
        queue.push({ state: edge.to, afterRelaunch: edge.event === 'relaunch-handled' });
      }
    }
    return result;
  }

  private send(event: { type: string; coloMode?: ColoMode }): void {
    this.snapshot = transition(this.machine, this.snapshot, event)[0];
  }
}
