import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairClass } from '../../charts/dot.js';
import { loadChart } from '../../charts/model.js';
import { MACHINE_NAMES, PROFILE_NAMES, type ProfileName } from '../../machines/index.js';
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
  const bboxes = new Map([...nodes].map(([name, g]) => [name, g.getBBox()]));
  const near = (p, names, pad) => names.some((name) => { const b = bboxes.get(name); return b && p.x > b.x - pad && p.x < b.x + b.width + pad && p.y > b.y - pad && p.y < b.y + b.height + pad; });
  const samples = (g) => { const path = g.querySelector('path'); const n = path.getTotalLength(); const out = []; for (let l = 0; l <= n; l += 2) out.push(path.getPointAtLength(l)); return out; };
  // a title is 'from->to', each end maybe with a port ('active:s')
  const ends = (g) => g.querySelector('title').textContent.split('->').map((end) => end.replace(/:[a-z]+$/, ''));
  const spineNames = ${JSON.stringify(spine)};
  const classes = ${JSON.stringify(spineClasses)};
  const edges = [...svg.querySelectorAll('g.edge')];
  const spineEdges = edges.filter((g) => classes.some((c) => g.classList.contains(c)));
  const spineSamples = new Map(spineEdges.map((s) => [s, samples(s)]));
  const crossings = [];
  for (const g of edges) {
    if (spineEdges.includes(g)) continue;
    const points = samples(g);
    for (const s of spineEdges) {
      // edges leaving or entering the same state start out together: only away from a shared state is a crossing
      const shared = ends(g).filter((n) => ends(s).includes(n));
      const away = (p) => !near(p, spineNames, 6) && !near(p, shared, 40);
      // the spine edge's samples by 2-unit cell: a point is compared with its own cell and the eight around it
      const cells = new Map();
      for (const q of spineSamples.get(s).filter(away)) { const k = Math.floor(q.x / 2) + ',' + Math.floor(q.y / 2); if (!cells.has(k)) cells.set(k, []); cells.get(k).push(q); }
      const close = (p) => { const cx = Math.floor(p.x / 2), cy = Math.floor(p.y / 2); for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (const q of cells.get((cx + dx) + ',' + (cy + dy)) ?? []) if (Math.abs(p.x - q.x) < 1.5 && Math.abs(p.y - q.y) < 1.5) return true; return false; };
      if (points.some((p) => away(p) && close(p))) {
        crossings.push(g.querySelector('title').textContent + ' crosses ' + s.querySelector('title').textContent);
        break;
      }
    }
  }
  return { boxes, crossings };
})()`;

describe('lockstep view: the happy path', () => {
  const withPath = (profile: ProfileName) =>
    MACHINE_NAMES.filter((machine) => loadChart(machine, { profile }).spine.length > 1);

  it('exists for the two migration machines (the bring-up script moves no other machine)', () => {
    for (const profile of PROFILE_NAMES)
      expect(withPath(profile), profile).toEqual(['migration-source', 'migration-incoming']);
  });

  it.each(PROFILE_NAMES)(
    '%s: each overview draws its path top to bottom, and no other edge crosses it',
    async (profile) => {
      const page = await openView(browser, view.url, { width: 1280, height: 900 });
      try {
        if ((await page.inputValue('#profile')) !== profile) await page.selectOption('#profile', profile);
        await page.waitForSelector(`body[data-charts-profile="${profile}"]`);
        for (const machine of withPath(profile)) {
          const { spine, document } = loadChart(machine, { profile });
          const classes = spine.slice(1).map((to, i) => pairClass(document.states, spine[i]!, to));
          const drawing = (await page.evaluate(measure(machine, spine, classes))) as SpineDrawing;
          drawing.boxes.slice(1).forEach((box, i) => {
            const above = drawing.boxes[i]!;
            expect(box.y, `${machine}: ${spine[i + 1]} below ${spine[i]}`).toBeGreaterThan(
              above.y + above.height,
            );
          });
          expect(drawing.crossings, machine).toEqual([]);
        }
      } finally {
        await page.close();
      }
    },
  );
});
