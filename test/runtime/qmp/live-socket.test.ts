/** A QMP socket something listens on (a live QEMU monitor) is never replaced, and outlives our server. */
import { lstat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { serveQmp } from '../../../runtime/qmp/index.js';
import { tempDir } from './support/client.js';
import { FakeBackend } from './support/fake-backend.js';

describe('a live socket at the --qmp path', () => {
  it('is refused with qmp-socket-in-use and left in place, still answering', async () => {
    const path = join(await tempDir(), 'qemu-monitor.sock');
    const monitor = createServer((socket) => {
      socket.on('error', () => {}); // our probe hangs up at once
      socket.end('{"QMP":{}}\n');
    });
    await new Promise<void>((resolve) => monitor.listen(path, resolve));
    try {
      const error = await serveQmp(new FakeBackend(), { path }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockstepError);
      expect((error as LockstepError).code).toBe('qmp-socket-in-use');
      expect((error as LockstepError).message).toContain(path);
      expect((await lstat(path)).isSocket()).toBe(true);
      const { connect } = await import('node:net');
      const reply = await new Promise<string>((resolve) => {
        const client = connect(path);
        client.setEncoding('utf8');
        client.once('data', (text: string) => {
          client.destroy();
          resolve(text);
        });
      });
      expect(reply).toBe('{"QMP":{}}\n');
    } finally {
      await new Promise((resolve) => monitor.close(resolve));
    }
  });
});
