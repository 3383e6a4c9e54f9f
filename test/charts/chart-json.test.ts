import { describe, expect, it } from 'vitest';
import { formatChartJson } from '../../charts/chart-json.js';
import { loadChart } from '../../charts/model.js';
import { renderChart } from '../../charts/render.js';
import { MACHINES, machineGraph, PROFILES } from '../../machines/index.js';
import { CASES } from './cases.js';

describe('chart JSON format', () => {
  it.each(CASES)('%s (%s) has exactly the documented keys', async (machine, profile) => {
    const doc: unknown = JSON.parse(await renderChart(machine, { profile, format: 'json' }));
    expect(Object.keys(doc as object)).toEqual(['machine', 'profile', 'initial', 'states', 'transitions']);
    const { transitions } = doc as { transitions: object[] };
    for (const t of transitions) expect(Object.keys(t)).toEqual(['from', 'to', 'event', 'guard']);
    expect(doc).toMatchObject({ machine, profile });
  });

  it.each(CASES)('%s (%s) equals machineGraph of the same machine', (machine, profile) => {
    const graph = machineGraph(MACHINES[machine].create({ profile: PROFILES[profile] }));
    const { document } = loadChart(machine, { profile });
    expect(document.initial).toEqual(graph.initial);
    expect(document.states).toEqual(graph.states);
    expect(document.transitions).toEqual(graph.transitions);
  });

  it('every transition names known states, and guards are strings or null', () => {
    for (const [machine, profile] of CASES) {
      const { document } = loadChart(machine, { profile });
      const states = new Set(document.states);
      for (const s of document.initial) expect(states).toContain(s);
      for (const t of document.transitions) {
        expect(states, `${machine} ${t.from}`).toContain(t.from);
        expect(states, `${machine} ${t.to}`).toContain(t.to);
        expect(t.guard === null || typeof t.guard === 'string').toBe(true);
      }
    }
  });

  it('is printed with two-space indentation and a final newline', () => {
    const text = formatChartJson(loadChart('failover').document);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "machine": "failover"');
  });
});
