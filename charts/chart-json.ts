import type { MachineGraph, MachineName, ProfileName, TransitionEdge } from '../machines/index.js';

/**
 * The stable JSON form of one chart (see docs/chart-format.md). Other tools read it, so keys are only
 * ever added, never renamed or removed.
 * @public
 */
export interface ChartDocument {
  /** The machine's name as `lockstep chart --list` shows it. */
  readonly machine: MachineName;
  /** The profile the machine was built with. */
  readonly profile: ProfileName;
  /** The initial state, or for a machine of parallel regions the initial state of each region. */
  readonly initial: readonly string[];
  /** Every state below the root, in definition order; nested states are dotted paths (`main.idle`). */
  readonly states: readonly string[];
  /** Every transition that moves to a state, in definition order; `guard` is null when unguarded. */
  readonly transitions: readonly TransitionEdge[];
}

/**
 * Builds the document from a machine's graph. Each edge is copied key by key so that the JSON has
 * exactly the documented keys in the documented order whatever `machineGraph` grows later.
 * @public
 */
export function chartDocument(
  machine: MachineName,
  profile: ProfileName,
  graph: MachineGraph,
): ChartDocument {
  return {
    machine,
    profile,
    initial: [...graph.initial],
    states: [...graph.states],
    transitions: graph.transitions.map(({ from, to, event, guard }) => ({ from, to, event, guard })),
  };
}

/**
 * Serialises a document: two-space indentation and a final newline, so that committed files diff well
 * and the same chart always gives the same bytes.
 * @public
 */
export function formatChartJson(document: ChartDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
