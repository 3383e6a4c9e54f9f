import { describe, expect, it } from 'vitest';
import { chartGroups, groupDrawing } from '../../charts/groups.js';
import { mermaidId, renderMermaid } from '../../charts/mermaid.js';
import { edgeLabel, leafName, loadChart } from '../../charts/model.js';
import { CASES } from './cases.js';

/** Mermaid ids that GitHub's parser accepts without quoting. */
const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

const linesOf = (text: string) => text.split('\n').map((line) => line.trim());

describe('Mermaid charts', () => {
  it.each(CASES)('%s (%s) declares every state with its QEMU name', (machine, profile) => {
    const model = loadChart(machine, { profile });
    const lines = linesOf(renderMermaid(model));
    expect(lines[1]).toBe('stateDiagram-v2');
    for (const state of model.document.states) {
      expect(lines).toContain(`state "${leafName(state)}" as ${mermaidId(state)}`);
    }
  });

  it.each(CASES)('%s (%s) draws every transition, from its state or from its group', (machine, profile) => {
    const model = loadChart(machine, { profile });
    const lines = linesOf(renderMermaid(model));
    const groups = chartGroups(model);
    for (const t of model.document.transitions) {
      const label = edgeLabel(t.event, t.guard);
      const own = `${mermaidId(t.from)} --> ${mermaidId(t.to)} : ${label}`;
      const group = groupDrawing(groups, t);
      const line = group ? `g_${group.id.slice('group-'.length)} --> ${mermaidId(t.to)} : ${label}` : own;
      expect(lines, `${machine}: ${t.from} -> ${t.to} on ${t.event}`).toContain(line);
      if (group) expect(lines).not.toContain(own);
    }
  });

  it('groups the states that take migrate_cancel in one composite state, with the edge once', () => {
    const text = renderMermaid(loadChart('migration-source', { profile: 'qemu-11.0' }));
    expect(text).toMatch(/state "on migrate_cancel" as (g_\d+)\n\s*state \1 \{/);
    expect(text.match(/--> s_cancelling : migrate_cancel$/gm)).toHaveLength(1);
  });

  it.each(CASES)('%s (%s) uses unique ids that need no quoting', (machine, profile) => {
    const ids = loadChart(machine, { profile }).document.states.map(mermaidId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(ID);
  });

  it('draws the regions of a multifd machine as concurrent regions of one composite state', () => {
    const text = renderMermaid(loadChart('multifd-send', { channels: 3 }));
    expect(text).toContain('state "multifd-send" as s_ {');
    expect(text.match(/^\s*--$/gm)).toHaveLength(3);
    for (const region of ['main', 'channel-0', 'channel-1', 'channel-2']) {
      expect(text).toContain(`state "${region}" as ${mermaidId(region)}`);
      expect(text).toContain(`state ${mermaidId(region)} {`);
    }
  });

  it('marks final states and starts each region at its initial state', () => {
    const text = renderMermaid(loadChart('multifd-recv'));
    expect(text).toContain(`[*] --> ${mermaidId('channel-1.loop')}`);
    expect(text).toContain(`${mermaidId('channel-1.exited')} --> [*]`);
  });
});
