import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_FORMATS, renderChart } from '../../charts/render.js';
import { run } from './run.js';

describe('lockstep chart <machine>', () => {
  it.each(CHART_FORMATS)('--format %s prints what renderChart returns', async (format) => {
    const result = await run('chart', 'colo-secondary', '--profile', 'qemu-7.2', '--format', format);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await renderChart('colo-secondary', { profile: 'qemu-7.2', format }));
  });

  it('--view full draws every transition; --view is refused for formats that have no views', async () => {
    const full = await run('chart', 'migration-source', '--format', 'dot', '--view', 'full');
    expect(full.code).toBe(0);
    expect(full.stdout).toBe(await renderChart('migration-source', { format: 'dot', view: 'full' }));
    expect(full.stdout).not.toBe(await renderChart('migration-source', { format: 'dot' }));
    const refused = await run('chart', 'failover', '--format', 'json', '--view', 'full');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--view applies to --format dot or svg');
    const unknown = await run('chart', 'failover', '--format', 'svg', '--view', 'wide');
    expect(unknown.code).toBe(2);
  });

  it('defaults to Mermaid for qemu-11.0', async () => {
    const result = await run('chart', 'failover');
    expect(result.stdout).toBe(await renderChart('failover', { profile: 'qemu-11.0', format: 'mermaid' }));
  });

  it('--json prints one parseable chart document', async () => {
    const result = await run('chart', 'multifd-recv', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ machine: 'multifd-recv', profile: 'qemu-11.0' });
  });

  it('--out writes the file instead', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-chart-'));
    try {
      const out = join(dir, 'nested', 'failover.dot');
      const result = await run('chart', 'failover', '--format', 'dot', '--out', out);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`wrote ${out}\n`);
      expect(await readFile(out, 'utf8')).toBe(await renderChart('failover', { format: 'dot' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
