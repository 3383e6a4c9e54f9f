import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../machines/index.js';
import { runDemoWithView } from '../../view/embed.js';
import { startView } from '../../view/server.js';
import { ARTIFACTS, launchChromium, openView } from './support.js';

/** `CHART_SCREENSHOTS=docs/charts/screenshots` writes the committed pictures; by default they are artifacts. */
const OUT = process.env.CHART_SCREENSHOTS ?? ARTIFACTS;
const WINDOW = { width: 1280, height: 900 };

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

/** The titles (`from->to`) of the overview edges drawn as part of a side's path so far. */
const pathEdges = (page: Page, machine: string, role: 'primary' | 'secondary'): Promise<string[]> =>
  page.$$eval(`.chart[data-machine="${machine}"] .overview g.edge.path-${role} > title`, (titles) =>
    titles.map((t) => t.textContent ?? ''),
  );

/** One picture of the cards of `machines`, from the top of the first to the bottom of the last. */
async function shootCards(page: Page, machines: readonly string[], name: string): Promise<void> {
  const boxes = [];
  for (const machine of machines)
    boxes.push((await page.locator(`.chart[data-machine="${machine}"]`).boundingBox())!);
  const scrollY = (await page.evaluate('window.scrollY')) as number;
  const top = Math.min(...boxes.map((b) => b.y)) + scrollY;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + scrollY;
  await page.screenshot({
    path: join(OUT, name),
    fullPage: true,
    clip: { x: 0, y: top - 4, width: WINDOW.width, height: bottom - top + 8 },
  });
}

describe('lockstep view: the charts as a person sees them at 1280 px', () => {
  it('the overview and the full view of the migration source', async () => {
    const view = await startView();
    try {
      const page = await openView(browser, view.url, WINDOW);
      const card = page.locator('.chart[data-machine="migration-source"]');
      await card.screenshot({ path: join(OUT, 'overview-migration-source.png') });
      await page.locator('.charts-box').screenshot({ path: join(OUT, 'overview-all.png') });
      await card.locator('.toggle-full').click();
      await card.locator('.full').screenshot({ path: join(OUT, 'full-migration-source.png') });
      const box = (await card.locator('.full').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
      await card.locator('.full').screenshot({ path: join(OUT, 'full-migration-source-zoomed.png') });
      await page.close();
    } finally {
      await view.close();
    }
  }, 180_000);

  it('a live pair in COLO: current states and the path so far drawn over the charts', async () => {
    let shot: Promise<void> | undefined;
    const { view } = await runDemoWithView(
      {
        profile: PROFILES['qemu-11.0'],
        ram: '16M',
        multifd: 0,
        checkpoints: 40,
        failover: 'none',
        checkpointDelayMs: 200,
      },
      {
        onReady: async (v) => {
          const page = await openView(browser, v.url, WINDOW);
          shot = (async () => {
            await page.waitForFunction(
              '(window.lockstepView.live?.checkpoints.length ?? 0) >= 2',
              undefined,
              {
                timeout: 120000,
              },
            );
            // the primary's migration went none, setup, active, device, colo: each move is drawn on its edge
            expect(await pathEdges(page, 'migration-source', 'primary')).toEqual(
              expect.arrayContaining(['none->setup', 'setup->active', 'active->device', 'device->colo']),
            );
            expect(await pathEdges(page, 'migration-incoming', 'secondary')).not.toHaveLength(0);
            await page.addStyleTag({ content: 'header { position: static !important; }' });
            await shootCards(page, ['migration-source', 'migration-incoming'], 'live-run-migration.png');
            await shootCards(page, ['colo-primary', 'colo-secondary'], 'live-run-colo.png');
            await page.close();
          })();
        },
      },
    );
    try {
      await shot;
    } finally {
      await view.close();
    }
  }, 180_000);
});
