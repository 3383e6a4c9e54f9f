import { describe, expect, it } from 'vitest';
import { dotString, pairClass, renderDot } from '../../charts/dot.js';
import { chartGroups } from '../../charts/groups.js';
import { leafName, loadChart } from '../../charts/model.js';
import { CASES } from './cases.js';

/** The edge statements of a DOT text: tail, head and the classes naming the transitions they stand for. */
const edgesOf = (dot: string) =>
  [...dot.matchAll(/^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*") \[.*class="transition ([^"]*)"/gm)].map(
    (m) => ({ from: m[1]!, to: m[2]!, classes: m[3]!.split(' ') }),
  );

describe('DOT charts', () => {
  it.each(CASES)('%s (%s) has a node or cluster for every state', (machine, profile) => {
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
  });

  it.each(CASES)('%s (%s): the full view has one edge per transition', (machine, profile) => {
    const model = loadChart(machine, { profile });
    const edges = edgesOf(renderDot(model, 'full'));
    expect(edges).toHaveLength(model.document.transitions.length);
    model.document.transitions.forEach((t, i) => {
      expect(edges[i]).toMatchObject({ from: dotString(t.from), to: dotString(t.to) });
      expect(edges[i]!.classes).toContain(pairClass(model.document.states, t.from, t.to));
    });
  });

  it.each(CASES)('%s (%s): the overview stands for every transition, each once', (machine, profile) => {
    const model = loadChart(machine, { profile });
    const edges = edgesOf(renderDot(model, 'overview'));
    const covered = new Set(edges.flatMap((e) => e.classes.filter((c) => c.startsWith('p-'))));
    for (const t of model.document.transitions)
      expect(covered, `${t.from} -> ${t.to} on ${t.event}`).toContain(
        pairClass(model.document.states, t.from, t.to),
      );
    const pairs = new Set(model.document.transitions.map((t) => `${t.from}\n${t.to}`));
    expect(edges.length).toBeLessThanOrEqual(pairs.size);
  });

  it('draws migrate_cancel once, from the box around the states that take it', () => {
    const model = loadChart('migration-source', { profile: 'qemu-11.0' });
    const dot = renderDot(model);
    const cancels = model.document.transitions.filter((t) => t.event === 'migrate_cancel');
    expect(cancels.length).toBeGreaterThan(5);
    const group = chartGroups(model).find((g) => g.exits.some((e) => e.event === 'migrate_cancel'))!;
    expect(group.members).toEqual(cancels.map((t) => t.from));
    const lines = dot.split('\n').filter((l) => l.includes('"migrate_cancel"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ltail=${dotString(`cluster_${group.id}`)}`);
  });

  it('draws the happy path from the bring-up script straight: one dot group, heavy edges', () => {
    const model = loadChart('migration-source', { profile: 'qemu-11.0' });
    expect(model.spine).toEqual(['none', 'setup', 'active', 'device', 'colo']);
    const dot = renderDot(model);
    for (const state of model.spine)
      expect(dot).toMatch(new RegExp(`^\\s*"${state}" \\[.*group="spine"`, 'm'));
    expect(loadChart('migration-source', { profile: 'qemu-7.2' }).spine).toEqual([
      'none',
      'setup',
      'active',
      'colo',
    ]);
  });

  it('puts each multifd region in its own cluster', () => {
    const text = renderDot(loadChart('multifd-recv'));
    for (const region of ['main', 'channel-0', 'channel-1'])
      expect(text).toContain(`subgraph "cluster_${region}" {`);
  });

  it('escapes quotes and backslashes in DOT strings', () => {
    expect(dotString('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
  });
});
