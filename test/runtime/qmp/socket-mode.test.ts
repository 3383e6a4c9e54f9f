import { spawn } from 'node:child_process';
import { lstat, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { serveQmp } from '../../../runtime/qmp/index.js';
import { connect, startServer, tempDir } from './support/client.js';
import { FakeBackend } from './support/fake-backend.js';

describe('unix socket', () => {
  it('is created with mode 0600', async () => {
    const { server } = await startServer('unix');
    const { path } = server.address as { path: string };
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('replaces a stale socket file left by a dead server', async () => {
    const path = join(await tempDir(), 'stale.sock');
    // A server killed with SIGKILL leaves its socket file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ]);
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await lstat(path)).isSocket()).toBe(true);
    const server = await serveQmp(new FakeBackend(), { path });
    try {
      expect((await connect(server, false)).greeting).toHaveProperty('QMP');
    } finally {
      await server.close();
    }
  });

  it('refuses to remove a path that is not a socket', async () => {
    const path = join(await tempDir(), 'precious.txt');
    await writeFile(path, 'keep me');
    const error = await serveQmp(new FakeBackend(), { path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockstepError);
    expect((error as LockstepError).code).toBe('qmp-path-not-socket');
    expect((await stat(path)).isFile()).toBe(true);
  });
});
