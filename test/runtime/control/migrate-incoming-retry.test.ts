import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QEMU_11_0 } from '../../../machines/index.js';
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
});
