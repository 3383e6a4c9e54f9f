import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_NAMES } from '../../machines/index.js';
import { loadPlayback } from '../../view/playback.js';
import { startView, type ViewServer } from '../../view/server.js';
import { run } from '../cli/run.js';
import { tempDir } from '../support/temp-dir.js';
import { highlighted, launchChromium, openView, screenshot } from './support.js';

let browser: Browser;
let dir: string;
let traceFile: string;

beforeAll(async () => {
  dir = await tempDir('lockstep-view-');
  // the return-path race of the 2026 series: a 6-step counterexample saved by lockstep check itself
  const check = await run(
    'check',
    '--without-fix',
    'return-path-reuse',
    '--faults',
    '2',
    '--fault',
    'heartbeat',
    '--fault',
    'cancel',
    '--trace-out',
    join(dir, 'traces'),
  );
  expect(check.code).toBe(1);
  traceFile = join(dir, 'traces', 'no-closed-file-access.json');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('lockstep view: playback', () => {
  it('detects a saved counterexample, check --json output and a QMP log by content', async () => {
    const saved = await loadPlayback(traceFile);
    expect(saved.kind).toBe('counterexample');
    expect(saved.steps).toHaveLength(6);
    expect(saved.steps[0]).toMatchObject({ lane: 'primary', text: 'FAULT heartbeat', fault: true });
    // replayed through the model: every machine of both sides, not only the COLO threads
    expect(saved.steps[0]!.states.primary['migration-source']).toEqual(['colo']);
    expect(saved.steps.at(-1)).toMatchObject({ flag: 'violation', note: 'no-closed-file-access' });

    const { options: _, ...rest } = JSON.parse(await readFile(traceFile, 'utf8'));
    const asJson = join(dir, 'check-output.json');
    await writeFile(asJson, JSON.stringify({ violations: [{ ...rest, trace: rest.steps }], findings: [] }));
    const fromJson = await loadPlayback(asJson);
    expect(fromJson.kind).toBe('counterexample');
    expect(fromJson.steps.map((s) => s.text)).toEqual(saved.steps.map((s) => s.text));

    const log = await loadPlayback('test/conformance/fixtures/colo-7.2-source.jsonl');
    expect(log.kind).toBe('qmp-log');
    expect(log.profile).toBe('qemu-7.2');
    expect(log.steps.some((s) => s.states.primary['migration-source']?.[0] === 'colo')).toBe(true);
  });

  it('renders every chart and plays the counterexample step by step (buttons and arrow keys)', async () => {
    const view: ViewServer = await startView({ playback: await loadPlayback(traceFile) });
    try {
      expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await openView(browser, view.url);
      expect(await page.$$eval('.chart .overview svg', (svgs) => svgs.length)).toBe(MACHINE_NAMES.length);
      for (const name of MACHINE_NAMES)
        expect(
          await page.$$eval(`.chart[data-machine="${name}"] .overview svg g.node`, (g) => g.length),
        ).toBeGreaterThan(1);
      // nothing runs, so the page opens on the playback
      await page.waitForSelector('#trace:not(.hidden)');
      const label = () => page.textContent('#step-label');
      const current = () => page.textContent('#msc tr.current');
      expect(await label()).toBe('step 1 / 6');
      expect(await current()).toContain('FAULT heartbeat');
      expect(await highlighted(page, 'colo-primary', 'primary')).toEqual(['wait-checkpoint-event']);

      await page.click('#next');
      expect(await label()).toBe('step 2 / 6');
      await page.keyboard.press('ArrowRight');
      expect(await label()).toBe('step 3 / 6');
      expect(await current()).toContain('colo → out');
      expect(await highlighted(page, 'colo-primary', 'primary')).toEqual(['out']);
      // the path so far: the step from wait-checkpoint-event to out is drawn over its edge
      const pathEdges = () =>
        page.$$eval('.chart[data-machine="colo-primary"] .overview g.edge.path-primary > title', (titles) =>
          titles.map((t) => t.textContent ?? ''),
        );
      expect(await pathEdges()).toEqual(['wait-checkpoint-event->out']);
      await screenshot(page, 'playback-step-3.png');

      await page.keyboard.press('ArrowLeft');
      expect(await label()).toBe('step 2 / 6');
      expect(await pathEdges()).toEqual([]);
      await page.keyboard.press('End');
      expect(await label()).toBe('step 6 / 6');
      expect(await page.isDisabled('#next')).toBe(true);
      expect(await current()).toContain('FAULT cancel');
      expect(await page.textContent('#step-states .note')).toContain('no-closed-file-access');
      expect(await highlighted(page, 'colo-primary', 'primary')).toEqual(['exited']);
      await screenshot(page, 'playback-last-step.png');
      await page.close();
    } finally {
      await view.close();
    }
  });
});
