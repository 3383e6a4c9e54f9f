import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { renderChart } from './charts/render.js';
import { MACHINE_NAMES, PROFILE_NAMES } from './machines/index.js';
const only = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const m of MACHINE_NAMES) for (const p of ['qemu-11.0'] as const) for (const v of ['overview', 'full'] as const) {
  if (only && !m.includes(only)) continue;
  const { renderDot } = await import('./charts/dot.js'); const { renderSvg } = await import('./charts/svg.js'); const { loadChart } = await import('./charts/model.js'); const svg = await renderSvg(renderDot(loadChart(m,{profile:p}), v, (process.env.RD ?? 'LR') as 'LR'));
  const w = /width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;
  console.log(m, p, v, w[1], w[2]);
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  await page.screenshot({ path: `/tmp/prev/${m}.${v}.png`, fullPage: true });
}
await browser.close();
