import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from './io.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('lockstep primary|secondary --log on a file that is taken', () => {
  it.each(['primary', 'secondary'])(
    '%s refuses it with one line, exit 2, and leaves it as it was',
    async (role) => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-taken-'));
      dirs.push(dir);
      const taken = join(dir, 'old.jsonl');
      await writeFile(taken, 'an earlier run, or not a log at all\n');
      const io = captureIo();
      const listen = role === 'secondary' ? ['--listen', '127.0.0.1:0'] : [];
      const code = await main([role, '--qmp', join(dir, 'qmp.sock'), ...listen, '--log', taken], io);
      expect(code).toBe(2);
      expect(io.err()).toMatch(
        /^lockstep: event log .*old\.jsonl already exists and is not empty; .*choose a new file.*\n$/,
      );
      expect(await readFile(taken, 'utf8')).toBe('an earlier run, or not a log at all\n');
    },
  );
});
