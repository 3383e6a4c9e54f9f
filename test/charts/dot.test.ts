import { describe, expect, it } from 'vitest';
import { dotString, renderDot } from '../../charts/dot.js';
import { edgeLabel, leafName, loadChart } from '../../charts/model.js';
import { CASES } from './cases.js';

describe('DOT charts', () => {
  it.each(CASES)(
    '%s (%s) has a node for every state and an edge for every transition',
    (machine, profile) => {
      const model = loadChart(machine, { profile });
      const lines = renderDot(model)
        .split('\n')
        .map((line) => line.trim());
      for (const state of model.document.states) {
        const kind = model.kinds[state];
        const expected =
          kind === 'compound' || kind === 'parallel'
            ? `subgraph ${dotString(`cluster_${state}`)} {`
            : `${dotString(state)} [label=${dotString(leafName(state))}`;
        expect(lines.some((line) => line.startsWith(expected))).toBe(true);
      }
      for (const t of model.document.transitions) {
        expect(lines).toContain(
          `${dotString(t.from)} -> ${dotString(t.to)} [label=${dotString(edgeLabel(t.event, t.guard))}];`,
        );
      }
    },
  );

  it('puts each multifd region in its own cluster', () => {
    const text = renderDot(loadChart('multifd-recv'));
    for (const region of ['main', 'channel-0', 'channel-1'])
      expect(text).toContain(`subgraph "cluster_${region}" {`);
  });

  it('escapes quotes and backslashes in DOT strings', () => {
    expect(dotString('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
  });
});
