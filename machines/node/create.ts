import { initialTransition } from 'xstate';
import type { Capabilities } from '../vocabulary.js';
import { multifdMachines, nodeMachines } from './definitions.js';
import type { NodeConfig, NodeState } from './types.js';

/**
 * A node as QEMU starts: no migration, failover none, the VM in prelaunch (`-S` or `-incoming`).
 * @example createNode({ role: 'primary', profile: QEMU_11_0 })
 * @public
 */
export function createNode(config: NodeConfig, capabilities: Partial<Capabilities> = {}): NodeState {
  const machines = nodeMachines(config.profile);
  const input = { capabilities };
  return {
    config,
    source: initialTransition(machines.source, input)[0],
    incoming: initialTransition(machines.incoming, input)[0],
    failover: initialTransition(machines.failover)[0],
    colo: null,
    multifdSend:
      config.multifd && config.role === 'primary' ? initialTransition(multifdMachines(config).send)[0] : null,
    multifdRecv:
      config.multifd && config.role === 'secondary'
        ? initialTransition(multifdMachines(config).recv)[0]
        : null,
    ramPhase: 'idle',
    ramJobs: 0,
    joinPhase: 'colo',
    rp: 'none',
    vm: 'prelaunch',
    qemuEvents: { checkpoint: false, exit: false, incoming: false },
    failoverBh: false,
    joiningColo: false,
    inbox: [],
    completions: [],
    coloCache: 'none',
    lastColoMode: 'none',
    lastExitReason: 'none',
    checkpoints: 0,
    passes: 0,
    qmpQueue: [],
  };
}
