import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runView } from '../../cli/commands/view.js';
import { PROFILES } from '../../machines/index.js';
import { createNodeBackend } from '../../runtime/control/index.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import { serveQmp } from '../../runtime/qmp/index.js';
import type { LiveView } from '../../view/live.js';
import { captureIo } from '../cli/io.js';
import { run } from '../cli/run.js';
import { tempDir } from '../support/temp-dir.js';

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('lockstep view (command)', () => {
  it('follows two lockstep nodes over QMP (x-lockstep-status) and serves on 127.0.0.1 only', async () => {
    const dir = await tempDir('lockstep-view-qmp-');
    const pair = await startPair({
      profile: PROFILES['qemu-11.0'],
      ram: '16M',
      multifd: 0,
      checkpoints: 1,
      failover: 'none',
      checkpointDelayMs: 100,
      logDir: dir,
    });
    const paths = { primary: join(dir, 'p.sock'), secondary: join(dir, 's.sock') };
    const servers = [
      await serveQmp(createNodeBackend(pair.primary), { path: paths.primary }),
      await serveQmp(createNodeBackend(pair.secondary), { path: paths.secondary }),
    ];
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const io = captureIo();
    // the secondary's socket first: the role comes from x-lockstep-status, not from the order
    const serving = runView(io, { qmp: [paths.secondary, paths.primary], port: '0' }, stopped);
    try {
      const url = await until(
        async () => /http:\/\/[^ ]+\//.exec(io.out())?.[0],
        (u) => u !== undefined,
      );
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const state = await until(
        async () => (await (await fetch(`${url}api/state`)).json()) as LiveView,
        (v) => v.checkpoints.length >= 2 && v.sides.length === 2,
      );
      expect(state.sides.map((s) => [s.role, s.origin, s.status])).toEqual([
        ['primary', 'lockstep', 'colo'],
        ['secondary', 'lockstep', 'colo'],
      ]);
      expect(state.sides[1]!.states['colo-secondary']).toHaveLength(1);
      expect(state.checkpoints[0]).toMatchObject({ checkpoint: 1 });
      expect((await fetch(`${url}view.js`)).headers.get('content-type')).toContain('javascript');
      expect((await fetch(`${url}api/trace`)).status).toBe(404);
    } finally {
      stop();
      await serving;
      for (const server of servers) await server.close();
      for (const node of [pair.primary, pair.secondary]) {
        node.kill();
        await node.close();
      }
    }
  });

  it('refuses a --trace file that is neither a counterexample nor a QMP log (exit 2)', async () => {
    const { code, stderr } = await run('view', '--trace', 'README.md');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lockstep: --trace: .*neither a lockstep check counterexample/);
  });
});
