import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairClass } from '../../charts/dot.js';
import { loadChart } from '../../charts/model.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';
import { startView, type ViewServer } from '../../view/server.js';
import { launchChromium, openView } from './support.js';

let browser: Browser;
let view: ViewServer;

beforeAll(async () => {
  browser = await launchChromium();
  view = await startView();
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
});

/** What the page measures of one overview: the spine states' boxes, and where other edges cross the spine's edges. */
interface SpineDrawing {
  readonly boxes: Array<{ x: number; y: number; width: number; height: number }>;
  readonly crossings: string[];
}

/**
 * Page-side: the boxes of the spine's states, and every edge not on the spine that crosses a spine edge
 * (its path sampled every 2 units and tested against the spine edge's own samples, away from the states).
 */
const measure = (
  machine: string,
  spine: readonly string[],
  spineClasses: readonly string[],
): string => `(() => {
  const svg = document.querySelector('.chart[data-machine="${machine}"] .overview svg');
  const nodes = new Map([...svg.querySelectorAll('g.node')].map((g) => [g.querySelector('title').textContent, g]));
  const boxes = ${JSON.stringify(spine)}.map((s) => { const b = nodes.get(s).getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height }; });
  const boxOf = (name) => { const g = nodes.get(name); return g ? g.getBBox() : null; };
  const near = (p, names, pad) => names.map(boxOf).some((b) => b && p.x > b.x - pad && p.x < b.x + b.width + pad && p.y > b.y - pad && p.y < b.y + b.height + pad);
  const samples = (g) => { const path = g.querySelector('path'); const n = path.getTotalLength(); const out = []; for (let l = 0; l <= n; l += 2) out.push(path.getPointAtLength(l)); return out; };
  // a title is 'from->to', each end maybe with a port ('active:s')
  const ends = (g) => g.querySelector('title').textContent.split('->').map((end) => end.replace(/:[a-z]+$/, ''));
  const spineNames = ${JSON.stringify(spine)};
  const classes = ${JSON.stringify(spineClasses)};
  const edges = [...svg.querySelectorAll('g.edge')];
  const spineEdges = edges.filter((g) => classes.some((c) => g.classList.contains(c)));
  const crossings = [];
  for (const g of edges) {
    if (spineEdges.includes(g)) continue;
    const points = samples(g);
    for (const s of spineEdges) {
      // edges leaving or entering the same state start out together: only away from a shared state is a crossing
      const shared = ends(g).filter((n) => ends(s).includes(n));
      const away = (p) => !near(p, spineNames, 6) && !near(p, shared, 40);
      const spinePoints = samples(s).filter(away);
      if (points.some((p) => away(p) && spinePoints.some((q) => Math.abs(p.x - q.x) < 1.5 && Math.abs(p.y - q.y) < 1.5))) {
        crossings.push(g.querySelector('title').textContent + ' crosses ' + s.querySelector('title').textContent);
        break;
      }
    }
  }
  return { boxes, crossings };
})()`;

describe('lockstep view: the happy path', () => {
  const cases = MACHINE_NAMES.flatMap((machine) =>
    PROFILE_NAMES.map((profile) => [machine, profile] as const).filter(
      ([m, p]) => loadChart(m, { profile: p }).spine.length > 1,
    ),
  );

  it('exists for the two migration machines', () => {
    expect(new Set(cases.map(([m]) => m))).toEqual(new Set(['migration-source', 'migration-incoming']));
  });

  it.each(cases)(
    '%s (%s) reads top to bottom; under qemu-11.0 no other edge crosses it',
    async (machine, profile) => {
      const page = await openView(browser, view.url, { width: 1280, height: 900 });
      try {
        if ((await page.inputValue('#profile')) !== profile) await page.selectOption('#profile', profile);
        await page.waitForSelector(`body[data-charts-profile="${profile}"]`);
        const { spine, document } = loadChart(machine, { profile });
        const classes = spine.slice(1).map((to, i) => pairClass(document.states, spine[i]!, to));
        const drawing = (await page.evaluate(measure(machine, spine, classes))) as SpineDrawing;
        drawing.boxes.slice(1).forEach((box, i) => {
          const above = drawing.boxes[i]!;
          expect(box.y, `${spine[i + 1]} below ${spine[i]}`).toBeGreaterThan(above.y + above.height);
        });
        // Not yet under qemu-7.2: its source leaves active for colo, completed and failed from one point and
        // Graphviz lets two of those edges cross the path (active->completed, active->failed); known, reported.
        if (profile === 'qemu-11.0') expect(drawing.crossings).toEqual([]);
        else expect(drawing.crossings.length).toBeLessThanOrEqual(2);
      } finally {
        await page.close();
      }
    },
  );
});
