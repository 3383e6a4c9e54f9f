import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { MigrationStatus } from '../vocabulary.js';
import { multifdMachines, nodeMachines } from './definitions.js';
import { type DescribedAction, memoTransition } from './transition-memo.js';
import type { Effect, NodeState } from './types.js';

export type { DescribedAction } from './transition-memo.js';

/** The machines of a node a transaction can move. @internal */
export type MachineKey = 'source' | 'incoming' | 'failover' | 'colo' | 'multifdSend' | 'multifdRecv';

/** An event with any payload, as the node routes it to a machine. @internal */
export type AnyEvent = EventObject & Readonly<Record<string, unknown>>;

/**
 * @internal One input's worth of change to a node: snapshots are replaced, never mutated, and the
 * effects the edge must perform are collected in order.
 */
export class Tx {
  node: NodeState;
  readonly effects: Effect[] = [];

  constructor(node: NodeState) {
    this.node = node;
  }

  set(patch: Partial<NodeState>): void {
    this.node = { ...this.node, ...patch };
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  /**
   * Sends an event to one machine; returns the actions it described (empty if nothing moved). The
   * snapshot and actions come from the transition memo, shared with every equal step: read-only.
   */
  send(key: MachineKey, event: AnyEvent): readonly DescribedAction[] {
    const snapshot = this.node[key];
    if (!snapshot) return [];
    const { next, actions } = memoTransition(this.machineFor(key), snapshot, event);
    this.set({ [key]: next } as Partial<NodeState>);
    if ((key === 'source' || key === 'incoming') && next.value !== snapshot.value) {
      // migration.c:migrate_set_state -> migrate_generate_event
      this.emit({ kind: 'qmp-event', event: 'MIGRATION', data: { status: next.value as MigrationStatus } });
    }
    return actions;
  }

  status(key: 'source' | 'incoming'): MigrationStatus {
    return this.node[key].value as MigrationStatus;
  }

  private machineFor(key: MachineKey) {
    const machines = nodeMachines(this.node.config.profile);
    if (key === 'multifdSend') return multifdMachines(this.node.config).send;
    if (key === 'multifdRecv') return multifdMachines(this.node.config).recv;
    if (key === 'colo') return this.node.config.role === 'primary' ? machines.primary : machines.secondary;
    return machines[key];
  }
}

/** @internal Whether a snapshot carries a tag (the BQL, vm-stopped, vmstate-loading). */
export const hasTag = (snapshot: AnyMachineSnapshot | null, tag: string): boolean =>
  snapshot?.hasTag(tag) === true;
