import type { TransitionEdge } from '../machines/index.js';
import type { StateGroup } from './groups.js';
import { chartGroups, groupDrawing, groupLabel } from './groups.js';
import type { ChartModel } from './model.js';
import { childrenOf, edgeLabel, leafName } from './model.js';

/** A DOT double-quoted string: only `"` and `\` need escaping, and newlines would end the statement. */
export const dotString = (text: string): string =>
  `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/\n/g, '\\n')}"`;

/**
 * Which chart to draw. `overview`: an edge that many states take alike is drawn once from their group's
 * box, and the edges between two states share one label; `full`: every transition is an edge of its own
 * (the groups are still boxes, so both views place the states alike).
 * @public
 */
export type ChartView = 'overview' | 'full';

/** The chart views, overview first (the default). @public */
export const CHART_VIEWS: readonly ChartView[] = ['overview', 'full'];

/** The invisible start node of the state at `parent` (`''` for the root); dotted paths never start with `_`. */
const startNode = (parent: string): string => dotString(parent === '' ? '__start' : `__start.${parent}`);

/**
 * The SVG class of an edge standing for the transitions between `from` and `to`, by state index: the view
 * marks a run's path with it (`p-3-4` is states[3] → states[4]).
 * @public
 */
export const pairClass = (states: readonly string[], from: string, to: string): string =>
  `p-${states.indexOf(from)}-${states.indexOf(to)}`;

/** One edge as drawn: its ends, its label lines, and the transitions it stands for. */
interface DrawnEdge {
  readonly from: string;
  readonly to: string;
  /** The cluster the edge leaves from (a group's box), if any. */
  readonly fromGroup?: string;
  readonly labels: string[];
  readonly stands: TransitionEdge[];
}

/** The edges a view draws, in definition order of their first transition. */
function drawnEdges(model: ChartModel, groups: readonly StateGroup[], view: ChartView): DrawnEdge[] {
  const { transitions } = model.document;
  if (view === 'full')
    return transitions.map((t) => ({
      from: t.from,
      to: t.to,
      labels: [edgeLabel(t.event, t.guard)],
      stands: [t],
    }));
  const edges: DrawnEdge[] = [];
  const between = new Map<string, DrawnEdge>();
  const fromGroup = new Map<string, DrawnEdge>();
  for (const t of transitions) {
    // the guard on a line of its own keeps the label, and so the chart, narrow
    const label = t.guard === null ? t.event : `${t.event}\n[${t.guard}]`;
    const group = groupDrawing(groups, t);
    if (group) {
      const key = `${group.id}\n${t.to}`;
      const edge = fromGroup.get(key);
      if (edge) {
        if (!edge.labels.includes(label)) edge.labels.push(label);
        edge.stands.push(t);
        continue;
      }
      // the tail is the member defined last: dot ranks the target after it, as the full view does
      const tail = group.members.at(-1) ?? t.from;
      const drawn: DrawnEdge = { from: tail, to: t.to, fromGroup: group.id, labels: [label], stands: [t] };
      fromGroup.set(key, drawn);
      edges.push(drawn);
      continue;
    }
    const key = `${t.from}\n${t.to}`;
    const edge = between.get(key);
    if (edge) {
      if (!edge.labels.includes(label)) edge.labels.push(label);
      edge.stands.push(t);
      continue;
    }
    const drawn: DrawnEdge = { from: t.from, to: t.to, labels: [label], stands: [t] };
    between.set(key, drawn);
    edges.push(drawn);
  }
  return edges;
}

/**
 * How a chart is laid out beyond its content. `spineStretch`: the least number of ranks a happy-path edge
 * takes when it crosses a group box's border (1, Graphviz's default, draws it as short as it can). A
 * longer edge lets its target sit beside the box, clear of the edges that leave the box with it;
 * `layoutChart` (charts/layout.ts) picks the value.
 * @public
 */
export interface DotLayout {
  readonly spineStretch?: number;
}

/** The happy-path edges that cross a group box's border: their ends are not in the same boxes. @public */
export function spineBorderEdges(model: ChartModel, groups: readonly StateGroup[]): Set<string> {
  const boxesOf = (path: string) =>
    groups
      .filter((g) => g.members.includes(path))
      .map((g) => g.id)
      .join(' ');
  const crossing = new Set<string>();
  model.spine.slice(1).forEach((to, i) => {
    const from = model.spine[i] ?? '';
    if (boxesOf(from) !== boxesOf(to)) crossing.add(`${from}\n${to}`);
  });
  return crossing;
}

/**
 * Renders a chart as a Graphviz digraph. Nodes are keyed by their dotted path and labelled with their
 * QEMU name; every compound or parallel state is a `cluster_` subgraph (a multifd machine's main thread
 * and each channel are separate boxes), and so is every group {@link chartGroups} finds. The output
 * depends only on the model and the view, which keeps the SVG rendered from it byte-for-byte stable.
 * @example renderDot(loadChart('migration-source'), 'overview')
 * @public
 */
export function renderDot(model: ChartModel, view: ChartView = 'overview', layout: DotLayout = {}): string {
  const { document } = model;
  const groups = chartGroups(model);
  const stretch = layout.spineStretch ?? 1;
  const stretched = stretch > 1 ? spineBorderEdges(model, groups) : new Set<string>();
  // one thread reads top to bottom; the regions of a parallel machine (multifd's main thread and channels)
  // are each read left to right and stacked, so the chart stays as wide as one region
  const rankdir = model.rootKind === 'parallel' ? 'LR' : 'TB';
  const lines = [
    `digraph ${dotString(document.machine)} {`,
    `  label=${dotString(`${document.machine} (${document.profile}${view === 'full' ? ', every transition' : ''})`)};`,
    '  labelloc=t;',
    `  rankdir=${rankdir};`,
    '  compound=true;',
    '  nodesep=0.25;',
    '  ranksep=0.35;',
    '  fontname="Helvetica";',
    '  fontsize=16;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=14, margin="0.2,0.05", height=0.3];',
    '  edge [fontname="Helvetica", fontsize=12, arrowsize=0.7];',
  ];
  const spinePairs = new Set(model.spine.slice(1).map((to, i) => `${model.spine[i]}\n${to}`));
  const onSpine = (path: string) => model.spine.length > 1 && model.spine.includes(path);
  const state = (child: string, indent: string): void => {
    const final = model.kinds[child] === 'final' ? ', peripheries=2' : '';
    // dot keeps the nodes of one `group` in a straight line: the happy path reads top to bottom
    const spine = onSpine(child) ? ', group="spine", penwidth=1.6' : '';
    lines.push(
      `${indent}${dotString(child)} [label=${dotString(leafName(child))}, class="state"${final}${spine}];`,
    );
  };
  const inGroup = (path: string, group: StateGroup) => group.members.includes(path);
  /** The states and groups directly inside `parent` (and inside `group`, when given). */
  const block = (parent: string, group: StateGroup | null, indent: string): void => {
    const subgroups = groups.filter((g) => g.parent === parent && g.within === (group?.id ?? null));
    for (const sub of subgroups) {
      lines.push(`${indent}subgraph ${dotString(`cluster_${sub.id}`)} {`);
      lines.push(
        `${indent}  label=${dotString(groupLabel(sub))};`,
        `${indent}  fontsize=12;`,
        `${indent}  fontcolor="#57606a";`,
        `${indent}  class="group";`,
        `${indent}  style="rounded,dashed,filled";`,
        `${indent}  color="#8c959f";`,
        `${indent}  fillcolor="#f3f5f7";`,
      );
      block(parent, sub, `${indent}  `);
      lines.push(`${indent}}`);
    }
    if (group === null && model.initials[parent] !== undefined) {
      lines.push(`${indent}${startNode(parent)} [shape=point, width=0.12, label=""];`);
    }
    for (const child of childrenOf(model, parent)) {
      if (group !== null && !inGroup(child, group)) continue;
      if (subgroups.some((g) => inGroup(child, g))) continue;
      if (group === null && groups.some((g) => g.parent === parent && inGroup(child, g))) continue;
      const kind = model.kinds[child] ?? 'atomic';
      if (kind === 'compound' || kind === 'parallel') {
        lines.push(`${indent}subgraph ${dotString(`cluster_${child}`)} {`);
        lines.push(`${indent}  label=${dotString(leafName(child))};`, `${indent}  style=rounded;`);
        block(child, null, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        state(child, indent);
      }
    }
  };
  block('', null, '  ');
  for (const [parent, initial] of Object.entries(model.initials)) {
    lines.push(`  ${startNode(parent)} -> ${dotString(initial)};`);
  }
  for (const edge of drawnEdges(model, groups, view)) {
    const pairs = [...new Set(edge.stands.map((t) => pairClass(document.states, t.from, t.to)))];
    const attrs = [
      `label=${dotString(edge.labels.join('\n'))}`,
      `class=${dotString(`transition ${edge.fromGroup ? 'group-exit ' : ''}${pairs.join(' ')}`)}`,
      ...(edge.fromGroup ? [`ltail=${dotString(`cluster_${edge.fromGroup}`)}`, 'penwidth=1.6'] : []),
      ...(!edge.fromGroup && spinePairs.has(`${edge.from}\n${edge.to}`) ? ['weight=20', 'penwidth=2'] : []),
      ...(!edge.fromGroup && stretched.has(`${edge.from}\n${edge.to}`) ? [`minlen=${stretch}`] : []),
    ];
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
