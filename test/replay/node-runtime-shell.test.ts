import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayFile, TraceScheduler } from '../../replay/index.js';
import { NodeRuntime } from '../../runtime/node/index.js';
import { saveNamed, tempDir } from './support.js';

describe('replay runs its two processes as NodeRuntime, the only node shell', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('each side is a NodeRuntime started under a TraceScheduler, with the trace’s fixes; its log is the report’s', async () => {
    const start = vi.spyOn(NodeRuntime, 'start');
    const dir = await tempDir();
    const report = await replayFile(await saveNamed(dir, 'closedFile'), { logDir: dir });
    expect(report).toMatchObject({ matched: true, runtimeOutcome: 'closed-file-access', sameOutcome: true });
    expect(start).toHaveBeenCalledTimes(2);
    const nodes = await Promise.all(start.mock.results.map((r) => r.value as Promise<NodeRuntime>));
    for (const [i, [options, scheduler]] of start.mock.calls.entries()) {
      expect(scheduler).toBeInstanceOf(TraceScheduler);
      expect(options.fixes).toMatchObject({ returnPathReuse: false });
      expect(nodes[i]).toBeInstanceOf(NodeRuntime);
      expect(nodes[i]!.state.config.fixes).toMatchObject({ returnPathReuse: false });
    }
    expect(nodes.map((n) => n.logPath).sort()).toEqual([...report.logs].sort());
    // the trace's last step, the primary's migrate_cancel, is the last input its NodeRuntime logged
    const primary = nodes.find((n) => n.options.role === 'primary')!;
    const inputs = (await readFile(primary.logPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(inputs.at(-1)).toMatchObject({ type: 'qmp', data: { input: { command: 'migrate_cancel' } } });
  });
});
