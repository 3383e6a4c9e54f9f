import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli/run.js';
import { saveNamed, tempDir } from './support.js';

describe('lockstep replay: a bad trace file is bad input (exit 2, naming what is wrong)', () => {
  let dir: string;
  let good: { steps: { action: Record<string, unknown> }[] };
  beforeAll(async () => {
    dir = await tempDir();
    good = JSON.parse(await readFile(await saveNamed(dir, 'closedFile'), 'utf8'));
  }, 30_000);

  const write = async (name: string, value: unknown) => {
    const path = join(dir, name);
    await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };

  it('a corrupted step names its index and field', async () => {
    const steps = structuredClone(good.steps);
    steps[3]!.action = { t: 'step', side: 'primary', thread: 'vcpu-0' };
    const result = await run('replay', await write('bad-thread.json', { ...good, steps }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('steps[3].action.thread is "vcpu-0"');
    expect(result.stdout).toBe('');
  });

  it('an unknown action kind and a missing side are named too', async () => {
    const steps = structuredClone(good.steps);
    steps[1]!.action = { t: 'teleport' };
    let result = await run('replay', await write('bad-kind.json', { ...good, steps }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('steps[1].action.t is "teleport"');
    steps[1]!.action = { t: 'fault', fault: 'yank' };
    result = await run('replay', await write('no-side.json', { ...good, steps }));
    expect(result.stderr).toContain('steps[1].action.side is missing, expected primary or secondary');
  });

  it('a multifd channel the trace does not have, and an unknown fix, are refused', async () => {
    const steps = [{ action: { t: 'multifd', channel: 0 } }];
    let result = await run('replay', await write('channel.json', { ...good, steps }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('steps[0].action.channel is 0');
    result = await run(
      'replay',
      await write('fix.json', { ...good, options: { withoutFix: ['no-such-fix'] } }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('options.withoutFix is ["no-such-fix"]');
  });

  it('a missing file and a file that is not JSON exit 2', async () => {
    let result = await run('replay', join(dir, 'absent.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/counterexample trace .*absent\.json: does not exist/);
    result = await run('replay', await write('torn.json', JSON.stringify(good).slice(0, 100)));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not JSON');
  });
});
