import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafName, loadChart } from '../../charts/model.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';
import { startView, type ViewServer } from '../../view/server.js';
import { launchChromium, openView } from './support.js';

/** The window the issue names: a laptop's 1280 px. */
const WIDTH = 1280;

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

/** Every text of one chart view as drawn: its content, its font size on screen, and its box. */
interface DrawnText {
  readonly text: string;
  readonly px: number;
  readonly left: number;
  readonly right: number;
  readonly visible: boolean;
  /** Inside its SVG's box, so nothing of it is clipped. */
  readonly inside: boolean;
}

/** The page-side measurement (a string: the tests compile without the DOM's types). */
const measure = (
  selector: string,
): string => `[...document.querySelectorAll(${JSON.stringify(selector)})].map((t) => {
  const box = t.getBoundingClientRect();
  // the font size in the SVG's units times the scale from those units to screen pixels
  const px = parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 0);
  // the SVG clips what Graphviz did not make room for: a label wider than its estimate is cut off
  const svg = t.ownerSVGElement.getBoundingClientRect();
  const inside = box.left >= svg.left - 0.5 && box.right <= svg.right + 0.5 && box.top >= svg.top - 0.5 && box.bottom <= svg.bottom + 0.5;
  return { text: t.textContent ?? '', px, left: box.left, right: box.right, visible: box.width > 0, inside };
})`;

const textsOf = (page: Page, machine: string, part: 'overview' | 'full'): Promise<DrawnText[]> =>
  page.evaluate(measure(`.chart[data-machine="${machine}"] .${part} svg text`)) as Promise<DrawnText[]>;

async function openAt1280(profile: string): Promise<Page> {
  const page = await openView(browser, view.url, { width: WIDTH, height: 900 });
  if ((await page.inputValue('#profile')) !== profile) await page.selectOption('#profile', profile);
  await page.waitForSelector(`body[data-charts-profile="${profile}"]`);
  return page;
}

describe('lockstep view: charts a person can read at 1280 px', () => {
  it.each(PROFILE_NAMES)(
    '%s: every overview shows every state name and edge label at 10 px or more, inside the window',
    async (profile) => {
      const page = await openAt1280(profile);
      try {
        expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(WIDTH);
        for (const machine of MACHINE_NAMES) {
          const texts = await textsOf(page, machine, 'overview');
          const model = loadChart(machine, { profile });
          const drawn = new Set(texts.map((t) => t.text));
          for (const state of model.document.states)
            expect(drawn, `${machine}: ${state}`).toContain(leafName(state));
          for (const t of model.document.transitions)
            expect(drawn, `${machine}: ${t.event}`).toContain(t.event);
          for (const t of texts) {
            expect(t.visible, `${machine} "${t.text}"`).toBe(true);
            expect(t.inside, `${machine} "${t.text}" inside the chart`).toBe(true);
            expect(t.px, `${machine} "${t.text}" font size`).toBeGreaterThanOrEqual(10);
            expect(t.left, `${machine} "${t.text}" left edge`).toBeGreaterThanOrEqual(0);
            expect(t.right, `${machine} "${t.text}" right edge`).toBeLessThanOrEqual(WIDTH);
          }
        }
      } finally {
        await page.close();
      }
    },
  );

  it.each(PROFILE_NAMES)(
    '%s: the full view holds one edge per transition of the introspection, and zooms and pans',
    async (profile) => {
      const page = await openAt1280(profile);
      try {
        for (const machine of MACHINE_NAMES) {
          const card = `.chart[data-machine="${machine}"]`;
          const { transitions } = loadChart(machine, { profile }).document;
          expect(await page.$$eval(`${card} .full svg g.edge.transition`, (g) => g.length)).toBe(
            transitions.length,
          );
          // the overview draws fewer edges when states share an exit, never more
          const overviewEdges = await page.$$eval(`${card} .overview svg g.edge.transition`, (g) => g.length);
          expect(overviewEdges).toBeLessThanOrEqual(transitions.length);
        }
        const card = '.chart[data-machine="migration-source"]';
        expect(await page.isVisible(`${card} .full`)).toBe(false);
        await page.click(`${card} .toggle-full`);
        expect(await page.isVisible(`${card} .full`)).toBe(true);
        expect(await page.isVisible(`${card} .overview`)).toBe(false);
        const viewBox = () => page.getAttribute(`${card} .full svg`, 'viewBox');
        const fitted = await viewBox();
        const frame = (await page.$(`${card} .full`))!;
        const box = (await frame.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -400);
        await page.waitForFunction(
          `document.querySelector('${card} .full svg').getAttribute('viewBox') !== ${JSON.stringify(fitted)}`,
        );
        const zoomed = (await viewBox())!.split(/[ ,]+/).map(Number);
        expect(zoomed[2]).toBeLessThan(Number(fitted!.split(/[ ,]+/)[2]));
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 60);
        await page.mouse.up();
        const panned = (await viewBox())!.split(/[ ,]+/).map(Number);
        expect(panned[0]).toBeGreaterThan(zoomed[0]!);
        await page.click(`${card} .zoom-fit`);
        expect(await viewBox()).toBe(fitted);
      } finally {
        await page.close();
      }
    },
  );
});
