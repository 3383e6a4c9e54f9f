import type { ChartModel } from './model.js';
import { childrenOf, edgeLabel, leafName } from './model.js';

/** A DOT double-quoted string: only `"` and `\` need escaping, and newlines would end the statement. */
export const dotString = (text: string): string =>
  `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/\n/g, '\\n')}"`;

/** The invisible start node of the state at `parent` (`''` for the root); dotted paths never start with `_`. */
const startNode = (parent: string): string => dotString(parent === '' ? '__start' : `__start.${parent}`);

/**
 * Renders a chart as a Graphviz digraph. Nodes are keyed by their dotted path and labelled with their
 * QEMU name; every compound or parallel state is a `cluster_` subgraph, so a multifd machine's main
 * thread and each channel are drawn as separate boxes. The output depends only on the model, which
 * keeps the SVG rendered from it byte-for-byte stable.
 * @public
 */
export function renderDot(model: ChartModel): string {
  const { document } = model;
  const lines = [
    `digraph ${dotString(document.machine)} {`,
    `  label=${dotString(`${document.machine} (${document.profile})`)};`,
    '  labelloc=t;',
    '  rankdir=LR;',
    '  fontname="Helvetica";',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const block = (parent: string, indent: string): void => {
    if (model.initials[parent] !== undefined) {
      lines.push(`${indent}${startNode(parent)} [shape=point, width=0.12, label=""];`);
    }
    for (const child of childrenOf(model, parent)) {
      const kind = model.kinds[child] ?? 'atomic';
      if (kind === 'compound' || kind === 'parallel') {
        lines.push(`${indent}subgraph ${dotString(`cluster_${child}`)} {`);
        lines.push(`${indent}  label=${dotString(leafName(child))};`, `${indent}  style=rounded;`);
        block(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        const final = kind === 'final' ? ', peripheries=2' : '';
        lines.push(`${indent}${dotString(child)} [label=${dotString(leafName(child))}${final}];`);
      }
    }
  };
  block('', '  ');
  for (const [parent, initial] of Object.entries(model.initials)) {
    lines.push(`  ${startNode(parent)} -> ${dotString(initial)};`);
  }
  for (const t of document.transitions) {
    lines.push(
      `  ${dotString(t.from)} -> ${dotString(t.to)} [label=${dotString(edgeLabel(t.event, t.guard))}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
