import { describe, expect, it } from 'vitest';
import { spineCrossings } from '../../charts/crossings.js';
import { CHART_VIEWS, renderDot } from '../../charts/dot.js';
import { layoutChart } from '../../charts/layout.js';
import { loadChart } from '../../charts/model.js';
import { renderSvg } from '../../charts/svg.js';
import { CASES } from './cases.js';

describe('chart layout: nothing crosses the happy path', () => {
  it("measures the crossings Graphviz's shortest layout makes under qemu-7.2", async () => {
    // the source goes from active (inside "on migrate_cancel") to colo (outside it); drawn as short as
    // possible, colo lands beside the box and two edges leaving active for the ended states cut across
    const model = loadChart('migration-source', { profile: 'qemu-7.2' });
    const crossings = spineCrossings(await renderSvg(renderDot(model, 'overview')), model);
    expect(crossings).toEqual([
      'active->completed crosses active->colo',
      'active->failed crosses active->colo',
    ]);
  });

  it('stretches the path where it leaves a box until nothing crosses it', async () => {
    const model = loadChart('migration-source', { profile: 'qemu-7.2' });
    const layout = await layoutChart(model, 'overview');
    expect(layout.spineStretch).toBeGreaterThan(1);
    expect(layout.crossings).toEqual([]);
    expect(layout.dot).toContain(`minlen=${layout.spineStretch}`);
    expect(await renderSvg(layout.dot)).toBe(layout.svg);
  });

  // the machines with a happy path (test/view/happy-path.test.ts checks that these are the migration machines)
  const withPath = CASES.filter(([machine, profile]) => loadChart(machine, { profile }).spine.length > 1);

  it.each(
    withPath.flatMap(([machine, profile]) => CHART_VIEWS.map((view) => [machine, profile, view] as const)),
  )('%s (%s, %s): no edge crosses the happy path', async (machine, profile, view) => {
    const model = loadChart(machine, { profile });
    const layout = await layoutChart(model, view);
    // measured again here, whether or not the layout needed a search
    expect(spineCrossings(layout.svg, model)).toEqual([]);
    if (layout.crossings !== null) expect(layout.crossings).toEqual([]);
  });
});
