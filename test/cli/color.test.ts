import { describe, expect, it } from 'vitest';
import { wantsColor } from '../../cli/io.js';
import { main } from '../../cli/main.js';

const ESC = '\x1b[';

/** `trace check` of a log with a violation, with or without colours. */
async function traceCheck(colors: boolean): Promise<string> {
  let out = '';
  const log = new URL('../conformance/fixtures/colo-without-x-colo-7.2-source.jsonl', import.meta.url)
    .pathname;
  await main(['trace', 'check', log], { stdout: (t) => (out += t), stderr: () => {}, colors });
  return out;
}

describe('colour on a terminal, none when piped or with NO_COLOR', () => {
  it('colours the verdict words only when the run may colour', async () => {
    const coloured = await traceCheck(true);
    expect(coloured).toContain(`${ESC}31mVIOLATION`);
    const plain = await traceCheck(false);
    expect(plain).not.toContain(ESC);
    // the same words either way
    expect(coloured.replace(new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g'), '')).toBe(plain);
  });

  it("check's verdict table is coloured the same way", async () => {
    let out = '';
    const run = (colors: boolean) =>
      main(['check', '--max-depth', '3'], { stdout: (t) => (out += t), stderr: () => {}, colors });
    await run(true);
    expect(out).toContain(`${ESC}32mholds`);
    const coloured = out;
    out = '';
    await run(false);
    expect(out).not.toContain(ESC);
    // the verdict table reads the same (the summary line after it holds the run's own time and memory)
    const table = (text: string) => text.split('\n\n')[0];
    expect(table(coloured.replace(new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g'), ''))).toBe(
      table(out),
    );
  });

  it('a terminal colours unless NO_COLOR is set to something; a pipe never does', () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
  });
});
