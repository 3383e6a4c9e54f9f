/**
 * Comparing a runtime node with the model's, field by field, so a divergence names what differs
 * (`colo: expected receive-ram, actual wait-vmstate-send`) rather than two opaque fingerprints.
 * @packageDocumentation
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { NodeState } from '../machines/index.js';

/** One field that differs. @public */
export interface FieldDifference {
  /** The node field (`colo`, `multifd-recv`, `inbox`, `checkpoints`, …). */
  readonly field: string;
  /** Its value in the model's node, as text. */
  readonly expected: string;
  /** Its value in the runtime's node, as text. */
  readonly actual: string;
}

const machine = (s: AnyMachineSnapshot | null): string =>
  s === null ? 'none' : `${JSON.stringify(s.value)}${s.status === 'active' ? '' : ` (${s.status})`}`;
const context = (s: AnyMachineSnapshot | null): string => (s === null ? 'none' : JSON.stringify(s.context));

/**
 * The fields COLO cares about, as text. The vmstate-size value and QMP arguments are left out: the model
 * abstracts them (its link carries message names only).
 */
function fields(n: NodeState): Record<string, string> {
  return {
    source: machine(n.source),
    incoming: machine(n.incoming),
    failover: machine(n.failover),
    colo: machine(n.colo),
    'multifd-send': machine(n.multifdSend),
    'multifd-send context': context(n.multifdSend),
    'multifd-recv': machine(n.multifdRecv),
    'multifd-recv context': context(n.multifdRecv),
    vm: n.vm,
    'qemu events': JSON.stringify(n.qemuEvents),
    'failover bh': String(n.failoverBh),
    'joining colo': String(n.joiningColo),
    inbox: n.inbox.map((m) => m.message).join(',') || '(empty)',
    completions: n.completions.join(',') || '(empty)',
    'colo cache': n.coloCache,
    'last colo mode': n.lastColoMode,
    'last exit reason': n.lastExitReason,
    checkpoints: String(n.checkpoints),
    passes: String(n.passes),
    'ram phase': n.ramPhase,
    'join phase': n.joinPhase,
    'return path': n.rp,
    'qmp queue': n.qmpQueue.map((q) => q.command).join(',') || '(empty)',
  };
}

/** Every field where `actual` differs from `expected`, in a fixed order. @public */
export function diffNodes(expected: NodeState, actual: NodeState): FieldDifference[] {
  const e = fields(expected);
  const a = fields(actual);
  return Object.keys(e)
    .filter((k) => e[k] !== a[k])
    .map((field) => ({ field, expected: e[field]!, actual: a[field]! }));
}
