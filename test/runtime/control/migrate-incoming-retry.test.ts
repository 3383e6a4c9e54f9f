import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QEMU_7_2, QEMU_11_0 } from '../../../machines/index.js';
import { createNodeBackend } from '../../../runtime/control/index.js';
import { attachSecondary, DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../../../runtime/node/index.js';

describe('migrate-incoming with a URI that cannot be listened on', () => {
  it('fails with the reason and leaves the command retryable, as qmp_migrate_incoming does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-retry-'));
    const node = await NodeRuntime.start({
      ...DEFAULT_RUNTIME_OPTIONS,
      role: 'secondary',
      profile: QEMU_11_0,
      ram: '1M',
      logPath: join(dir, 'secondary.jsonl'),
    });
    attachSecondary(node);
    const backend = createNodeBackend(node);
    const run = (uri: string) => backend.execute('migrate-incoming', { uri }, { oob: false });
    try {
      for (const bad of ['tcp:nonsense', 'unix:/tmp/x', 'tcp:127.0.0.1:70000']) {
        const reply = await run(bad);
        expect(reply).toMatchObject({ error: { class: 'GenericError' } });
        expect(JSON.stringify(reply)).toContain(`migration URI ${bad} is not of the form tcp:HOST:PORT`);
        expect(String(node.state.incoming.value)).toBe('none');
      }
      const listening = once(node, 'listening');
      expect(await run('tcp:127.0.0.1:0')).toEqual({ return: {} });
      await listening;
    } finally {
      node.kill();
      await node.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  // QEMU 7.2, tried on the real one: MIGRATION setup, then the error; query-migrate {} (status none), and a
  // retry on the freed port listens
  for (const profile of [QEMU_7_2, QEMU_11_0])
    it(`on a port that is taken (${profile.name}): fails as QEMU 7.2 does, stays none, and can be retried`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lockstep-taken-'));
      const taken: Server = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const { port } = taken.address() as { port: number };
      const node = await NodeRuntime.start({
        ...DEFAULT_RUNTIME_OPTIONS,
        role: 'secondary',
        profile,
        ram: '1M',
        logPath: join(dir, 'secondary.jsonl'),
      });
      attachSecondary(node);
      const backend = createNodeBackend(node);
      const events: unknown[] = [];
      backend.onEvent((event) => events.push(event));
      const run = () => backend.execute('migrate-incoming', { uri: `tcp:127.0.0.1:${port}` }, { oob: false });
      try {
        expect(await run()).toEqual({
          error: { class: 'GenericError', desc: 'Failed to find an available port: Address already in use' },
        });
        expect(await backend.execute('query-migrate', undefined, { oob: false })).toEqual({ return: {} });
        expect(String(node.state.incoming.value)).toBe('none');
        // 7.2 announces setup before it binds; 11.0's machine has no such announcement
        expect(events).toEqual(
          profile === QEMU_7_2 ? [{ event: 'MIGRATION', data: { status: 'setup' } }] : [],
        );
        await new Promise((resolve) => taken.close(resolve));
        const listening = once(node, 'listening');
        expect(await run()).toEqual({ return: {} });
        expect((await listening)[0]).toMatchObject({ port });
      } finally {
        taken.close();
        node.kill();
        await node.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
});
