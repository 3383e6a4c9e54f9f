/** An impossible --listen, a --qmp on the network without the flag: usage errors at start (exit 2), nothing served. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureIo } from '../../cli/io.js';

describe('lockstep primary/secondary addresses', () => {
  it('--listen 127.0.0.1:99999 exits 2 naming the port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-listen-'));
    const io = captureIo();
    const code = await main(
      [
        'secondary',
        '--listen',
        '127.0.0.1:99999',
        '--qmp',
        join(dir, 's.qmp'),
        '--log',
        join(dir, 's.jsonl'),
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toMatch(/--listen port 99999 is out of range/);
    expect(io.err()).not.toMatch(/listening/);
  });

  it('--qmp 0.0.0.0:0 without --qmp-allow-remote exits 2 saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-remote-'));
    const io = captureIo();
    const code = await main(['primary', '--qmp', '0.0.0.0:0', '--log', join(dir, 'p.jsonl')], io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/QMP has no authentication.*--qmp-allow-remote/);
  });
});
