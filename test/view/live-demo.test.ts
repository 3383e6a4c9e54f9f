import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../machines/index.js';
import type { DemoResult } from '../../runtime/demo/run-demo.js';
import { runDemoWithView } from '../../view/embed.js';
import type { ViewServer } from '../../view/server.js';
import { highlighted, launchChromium, openView, screenshot } from './support.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** The distinct highlighted states the page went through for one side's machine, oldest first. */
const history = (page: Page, key: string): Promise<string[]> =>
  page.evaluate(`window.lockstepView.history[${JSON.stringify(key)}] ?? []`) as Promise<string[]>;

/** True when `want` occurs in `seen` in this order (other states may come between). */
const inOrder = (seen: readonly string[], want: readonly string[]): boolean => {
  let i = 0;
  for (const s of seen) if (s === want[i]) i++;
  return i === want.length;
};

describe('lockstep demo --view', () => {
  it('follows a real demo run: precopy, colo, checkpoints, failover, completed', async () => {
    let page: Page | undefined;
    let midRun: Promise<unknown> | undefined;
    const { result, view }: { result: DemoResult; view: ViewServer } = await runDemoWithView(
      {
        profile: PROFILES['qemu-11.0'],
        ram: '16M',
        multifd: 0,
        checkpoints: 6,
        failover: 'secondary',
        checkpointDelayMs: 200,
      },
      {
        onReady: async (v) => {
          expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
          page = await openView(browser, v.url);
          // a screenshot while checkpoints run, taken beside the demo
          midRun = page
            .waitForFunction('(window.lockstepView.live?.checkpoints.length ?? 0) >= 2', undefined, {
              timeout: 20000,
            })
            .then(() => screenshot(page!, 'live-checkpoints.png', false));
        },
      },
    );
    try {
      expect(result.failover?.digestMatch).toBe(true);
      const p = page!;
      await midRun;
      await p.waitForFunction(
        `[...document.querySelectorAll('.chart[data-machine="migration-incoming"] .overview g.node.hl-secondary > title')].some((t) => t.textContent === 'completed')`,
      );
      expect(await highlighted(p, 'migration-incoming', 'secondary')).toEqual(['completed']);
      const incoming = await history(p, 'secondary:migration-incoming');
      expect(inOrder(incoming, ['active', 'colo', 'completed'])).toBe(true);
      const source = await history(p, 'primary:migration-source');
      expect(inOrder(source, ['setup', 'active', 'colo'])).toBe(true);
      // the secondary's COLO thread went round its checkpoint loop and out on failover
      const thread = await history(p, 'secondary:colo-secondary');
      expect(thread.filter((s) => s === 'wait-checkpoint-request').length).toBeGreaterThanOrEqual(3);
      expect(thread).toContain('load');
      expect(await history(p, 'secondary:failover')).toContain('completed');
      // the timeline: one bar per checkpoint of the primary, on the main channel
      expect(await p.textContent('#channel-mode')).toContain('plain');
      expect(await p.$$eval('#timeline rect.bar', (bars) => bars.length)).toBeGreaterThanOrEqual(6);
      expect(await p.textContent('.side.primary h3')).toContain('stopped');
      await screenshot(p, 'live-after-failover.png');
      await p.close();
    } finally {
      await view.close();
    }
  });
});
