import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderAllCharts } from '../../charts/all.js';

const CHARTS_DIR = fileURLToPath(new URL('../../docs/charts/', import.meta.url));

describe('docs/charts', () => {
  it('matches the machines', async () => {
    const stale: string[] = [];
    for (const file of await renderAllCharts()) {
      const committed = await readFile(`${CHARTS_DIR}${file.path}`, 'utf8').catch(() => undefined);
      if (committed !== file.content) stale.push(file.path);
    }
    expect(stale, `docs/charts is stale: run npm run charts (differs: ${stale.join(', ')})`).toEqual([]);
  });
});
