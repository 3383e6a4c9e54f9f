import { type AnyStateMachine, type EventObject, initialTransition, transition } from 'xstate';
import {
  applyCapabilities,
  type MigrationContext,
  type SetCapabilitiesEvent,
} from '../../machines/capabilities-guards.js';
import { type MachineGraph, machineGraph } from '../../machines/introspect.js';
import type { Profile } from '../../machines/profiles.js';
import { MACHINES } from '../../machines/registry.js';
import { CAPABILITIES } from '../../machines/vocabulary.js';
import type { TraceSide } from './report.js';

/** How an observed status change fares against the machine. @public */
export type StatusVerdict =
  | {
      readonly ok: true;
      readonly event: string;
      readonly context: MigrationContext;
      readonly hidden: string[];
    }
  | { readonly ok: false; readonly why: string };

/**
 * Replays MIGRATION statuses through a side's status machine. Guards are never re-encoded: a change
 * from→to is allowed when some edge from→to of `machineGraph` actually lands on `to` when its event is
 * given to `transition()` on a snapshot resolved at `from` with the capabilities in force.
 * @public
 */
export class StatusReplay {
  /** The machine's name in the registry. */
  readonly machineName: 'migration-source' | 'migration-incoming';
  private readonly machine: AnyStateMachine;
  private readonly graph: MachineGraph;
  private readonly alphabet: EventObject[];
  /** The capabilities in force, as the machine's own context holds them. */
  context: MigrationContext;

  /** Builds the machine of `side` for `profile`. */
  constructor(
    side: TraceSide,
    readonly profile: Profile,
  ) {
    this.machineName = side === 'source' ? 'migration-source' : 'migration-incoming';
    const entry = MACHINES[this.machineName];
    this.machine = entry.create({ profile });
    this.graph = machineGraph(this.machine);
    this.alphabet = entry.alphabet({ profile });
    this.context = initialTransition(this.machine)[0].context as MigrationContext;
  }

  /** True when the profile's machine has this status. */
  knows(status: string): boolean {
    return this.graph.states.includes(status);
  }

  /** Applies a migrate-set-capabilities through the machine's own event (accepted only when idle). */
  setCapabilities(status: string, event: SetCapabilitiesEvent): void {
    if (!this.knows(status)) return;
    this.context = this.step(status, this.context, event).context;
  }

  /**
   * Sets the capabilities a running QEMU reported, whatever its status (QEMU refuses the command outside
   * setup, but the values are the truth of the moment).
   */
  forceCapabilities(event: SetCapabilitiesEvent): void {
    this.context = { capabilities: applyCapabilities(this.context.capabilities, event) };
  }

  /** Checks from→to; on success the returned context is the one to carry on with. */
  check(from: string, to: string): StatusVerdict {
    const name = this.profile.name;
    if (!this.knows(to)) return { ok: false, why: `${name} has no status ${to}` };
    const edges = this.graph.transitions.filter((edge) => edge.from === from && edge.to === to);
    if (edges.length === 0) return { ok: false, why: `no transition ${from} -> ${to} in ${name}` };
    for (const { hidden, context } of this.contextsAt(from)) {
      for (const edge of edges) {
        const next = this.step(from, context, { type: edge.event });
        if (next.value === to) return { ok: true, event: edge.event, context: next.context, hidden };
      }
    }
    return { ok: false, why: this.explain(from, to, edges) };
  }

  /** Says why no edge landed on `to`: a guard that does not hold, or an earlier candidate that wins. */
  private explain(from: string, to: string, edges: MachineGraph['transitions']): string {
    const events = new Set(edges.map((edge) => edge.event));
    const guards = this.graph.transitions
      .filter((edge) => edge.from === from && events.has(edge.event))
      .map((edge) => edge.guard ?? '');
    const caps = CAPABILITIES.filter((cap) => guards.some((guard) => guard.includes(cap)))
      .map((cap) => `${cap}=${this.context.capabilities[cap]}`)
      .join(', ');
    if (edges.every((edge) => edge.guard !== null)) {
      const needed = [...new Set(edges.map((edge) => edge.guard))].join(' or ');
      return `${to} requires ${needed}; capabilities: ${caps}`;
    }
    const edge = edges.find((candidate) => candidate.guard === null)!;
    const landed = this.step(from, this.context, { type: edge.event }).value;
    return `${from} --${edge.event}--> ${landed}, not ${to}, in ${this.profile.name}; capabilities: ${caps}`;
  }

  /**
   * The context now, then after each event QMP cannot show that changes only the context at `from`
   * (found from the alphabet, e.g. 7.2's MIG_CMD_ENABLE_COLO, savevm.c:loadvm_process_enable_colo).
   */
  private contextsAt(from: string): Array<{ hidden: string[]; context: MigrationContext }> {
    const options = [{ hidden: [] as string[], context: this.context }];
    for (const event of this.alphabet) {
      if (event.type === 'migrate-set-capabilities') continue; // observed as a command, never assumed
      const next = this.step(from, this.context, event);
      if (next.value === from && JSON.stringify(next.context) !== JSON.stringify(this.context))
        options.push({ hidden: [event.type], context: next.context });
    }
    return options;
  }

  private step(from: string, context: MigrationContext, event: EventObject) {
    const snapshot = this.machine.resolveState({ value: from, context });
    const [next] = transition(this.machine, snapshot, event);
    return { value: next.value as string, context: next.context as MigrationContext };
  }
}
