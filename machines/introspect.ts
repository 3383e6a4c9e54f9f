import type { AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * One edge of a machine as the charts and the table tests see it. States are dotted paths below the
 * root (`main.sync-wait`, `channel-0.exit`); `guard` is a readable expression or null.
 * @public
 */
export interface TransitionEdge {
  readonly from: string;
  readonly to: string;
  readonly event: string;
  readonly guard: string | null;
}

/** The static shape of a machine: its states and every targeted transition, in document order. @public */
export interface MachineGraph {
  readonly id: string;
  readonly initial: string[];
  readonly states: string[];
  readonly transitions: TransitionEdge[];
}

type GuardLike = string | { type: string; params?: unknown } | ((...args: never[]) => unknown) | undefined;

/** Renders an XState guard (named, parameterised, `and`/`or`/`not`) as text: `postcopy-ram && !return-path`. */
export function describeGuard(guard: unknown): string | null {
  const g = guard as GuardLike;
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const parts = ((g as { guards?: unknown[] }).guards ?? []).map((inner) => describeGuard(inner) ?? '?');
    // a negated compound keeps its brackets: !(a && b) is not !a && b
    if (g.name === 'not') return parts[0]?.includes(' ') ? `!(${parts[0]})` : `!${parts[0]}`;
    if (g.name === 'and') return parts.join(' && ');
    if (g.name === 'or') return `(${parts.join(' || ')})`;
    return g.name || 'inline';
  }
  return g.type;
}

const pathOf = (node: AnyStateNode) => node.path.join('.');

function walk(node: AnyStateNode, visit: (node: AnyStateNode) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child, visit);
}

/**
 * Reads a machine's states and transitions from its definition. Targetless transitions (which change
 * context only, like migrate-set-capabilities) are left out: they move no state.
 * @example machineGraph(createFailoverMachine()).transitions[0] // { from: 'none', to: 'none', event: 'failover-init', guard: null }
 * @public
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: string[] = [];
  const transitions: TransitionEdge[] = [];
  walk(machine.root, (node) => {
    if (node !== machine.root) states.push(pathOf(node));
    for (const [event, candidates] of node.transitions) {
      for (const candidate of candidates) {
        for (const target of candidate.target ?? []) {
          transitions.push({
            from: pathOf(node),
            to: pathOf(target),
            event,
            guard: describeGuard(candidate.guard),
          });
        }
      }
    }
  });
  const initial = machine.root.initial?.target.map(pathOf) ?? [];
  return {
    id: machine.id,
    initial: initial.length ? initial : leafInitials(machine.root),
    states,
    transitions,
  };
}

/** For a parallel root, the initial state of each region. */
function leafInitials(root: AnyStateNode): string[] {
  return Object.values(root.states).flatMap((region) => region.initial?.target.map(pathOf) ?? []);
}
