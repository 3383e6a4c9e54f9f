import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where the view tests leave their screenshots (gitignored). */
export const ARTIFACTS = join('test-artifacts', 'view');

/** Debian's Chromium (apt-get install chromium), headless, with nothing that reaches the network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the view and waits until its charts and first data are in. */
export async function openView(
  browser: Browser,
  url: string,
  viewport = { width: 1500, height: 1100 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // the page must be offline: any request that is not the view itself fails the test
  await page.route('**/*', (route) =>
    route.request().url().startsWith(new URL(url).origin) ? route.continue() : route.abort(),
  );
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  return page;
}

/** Saves a screenshot under test-artifacts/view (the whole page unless `fullPage` is false). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.evaluate('window.scrollTo(0, 0)');
  // a sticky header would be drawn mid-page in a full-page capture
  if (fullPage) await page.addStyleTag({ content: 'header { position: static !important; }' });
  await page.screenshot({ path, fullPage });
  return path;
}

/** The state titles highlighted for a role in one machine's overview (the full view repeats them). */
export function highlighted(page: Page, machine: string, role: 'primary' | 'secondary'): Promise<string[]> {
  return page.$$eval(`.chart[data-machine="${machine}"] .overview g.node.hl-${role} > title`, (titles) =>
    titles.map((t) => t.textContent ?? ''),
  );
}
