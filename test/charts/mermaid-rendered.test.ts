import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartGroups } from '../../charts/groups.js';
import { mermaidId, renderMermaid } from '../../charts/mermaid.js';
import { loadChart } from '../../charts/model.js';
import { ARTIFACTS, launchChromium } from '../view/support.js';
import { CASES } from './cases.js';

/** `CHART_SCREENSHOTS=docs/charts/screenshots` writes the committed pictures; by default they are artifacts. */
const OUT = process.env.CHART_SCREENSHOTS ?? ARTIFACTS;
/** The mermaid package's browser bundle: what GitHub renders a ```mermaid block with. */
const MERMAID = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

/** What one rendered chart holds: its state boxes, its boxes of boxes (with the states inside), or its error. */
interface Rendered {
  readonly error: string | null;
  /** Mermaid id → top of the state's box on the page. */
  readonly states: Record<string, number>;
  /** Mermaid id of a composite state → the Mermaid ids of the states drawn inside it. */
  readonly clusters: Record<string, string[]>;
}

/**
 * Page-side: renders every chart with mermaid into its own div, then reads each drawing back. A state's
 * element id is `cN-state-ID-K` (cN the chart's render id); a composite is a `statediagram-cluster`, and
 * the regions of a parallel state are `statediagram-cluster-alt` dividers, which are skipped.
 */
const renderAll = (texts: readonly string[]): string => `(async () => {
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
  const texts = ${JSON.stringify(texts)};
  const out = [];
  for (let n = 0; n < texts.length; n++) {
    const div = document.createElement('div');
    div.id = 'chart-' + n;
    div.style.width = '1280px';
    document.body.append(div);
    try {
      div.innerHTML = (await mermaid.render('c' + n, texts[n])).svg;
    } catch (error) {
      out.push({ error: String(error && error.message || error), states: {}, clusters: {} });
      continue;
    }
    const idOf = (g) => g.id.slice(('c' + n + '-state-').length).replace(/-\\d+$/, '');
    const states = {};
    for (const g of div.querySelectorAll('g.node.statediagram-state')) states[idOf(g)] = g.getBoundingClientRect().top;
    const clusters = {};
    for (const g of div.querySelectorAll('g.statediagram-cluster')) {
      if (g.id.includes('-state-divider-') || !g.id.includes('-state-s_') && !g.id.includes('-state-g_')) continue;
      const r = (g.querySelector('rect') ?? g).getBoundingClientRect();
      clusters[idOf(g)] = [...div.querySelectorAll('g.node.statediagram-state')].filter((s) => {
        const b = s.getBoundingClientRect();
        return b.left >= r.left && b.right <= r.right && b.top >= r.top && b.bottom <= r.bottom;
      }).map(idOf);
    }
    out.push({ error: null, states, clusters });
  }
  return out;
})()`;

let browser: Browser;
let page: Page;
let rendered: Rendered[];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // offline, as the view tests: the bundle is loaded from node_modules, nothing from the network
  await page.route('**/*', (route) => route.abort());
  await page.setContent('<!doctype html><html><body style="margin:0;background:#fff"></body></html>');
  await page.addScriptTag({ path: MERMAID });
  const texts = CASES.map(([machine, profile]) => renderMermaid(loadChart(machine, { profile })));
  rendered = (await page.evaluate(renderAll(texts))) as Rendered[];
  await mkdir(OUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('Mermaid charts rendered by the mermaid package in Chromium', () => {
  it.each(CASES.map((c, n) => [...c, n] as const))(
    '%s (%s) renders with its groups and happy path',
    async (machine, profile, n) => {
      const drawing = rendered[n]!;
      expect(drawing.error, `${machine} (${profile}) parse/render error`).toBeNull();
      const model = loadChart(machine, { profile });
      const atomic = model.document.states.filter((s) =>
        ['atomic', 'final'].includes(model.kinds[s] ?? 'atomic'),
      );
      const compound = model.document.states.filter((s) => !atomic.includes(s));
      // every state is drawn once, as a box or (a region, a compound state) as a box around its children
      expect(Object.keys(drawing.states).sort()).toEqual(atomic.map(mermaidId).sort());
      const groups = chartGroups(model);
      expect(Object.keys(drawing.clusters).sort()).toEqual(
        [
          // a parallel root is drawn as one composite named after the machine, holding the regions
          ...(model.rootKind === 'parallel' ? ['s_'] : []),
          ...compound.map(mermaidId),
          ...groups.map((g) => `g_${g.id.slice('group-'.length)}`),
        ].sort(),
      );
      // each group's box holds exactly its member states, as the SVG overview does
      for (const group of groups)
        expect(drawing.clusters[`g_${group.id.slice('group-'.length)}`]?.sort(), group.id).toEqual(
          group.members.map(mermaidId).sort(),
        );
      // the happy path reads top to bottom
      model.spine.slice(1).forEach((to, i) => {
        const above = drawing.states[mermaidId(model.spine[i]!)];
        expect(drawing.states[mermaidId(to)], `${to} below ${model.spine[i]}`).toBeGreaterThan(
          above ?? Infinity,
        );
      });
      await page.locator(`#chart-${n}`).screenshot({ path: join(OUT, `mermaid-${machine}.${profile}.png`) });
    },
  );
});
