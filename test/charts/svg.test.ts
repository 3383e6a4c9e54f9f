import { describe, expect, it } from 'vitest';
import { leafName, loadChart } from '../../charts/model.js';
import { renderChart } from '../../charts/render.js';
import { MACHINE_NAMES } from '../../machines/index.js';

/** Graphviz writes `-` as `&#45;` in SVG text; decode it to compare with QEMU's names. */
const decode = (svg: string) => svg.replaceAll('&#45;', '-');

describe('SVG charts', () => {
  it.each(MACHINE_NAMES)('%s renders to an <svg> naming every state', async (machine) => {
    const svg = decode(await renderChart(machine, { format: 'svg' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const state of loadChart(machine).document.states) expect(svg).toContain(`>${leafName(state)}<`);
  });

  it('gives the same bytes every time', async () => {
    const first = await renderChart('multifd-send', { profile: 'qemu-7.2', format: 'svg' });
    const second = await renderChart('multifd-send', { profile: 'qemu-7.2', format: 'svg' });
    expect(second).toBe(first);
  });
});
