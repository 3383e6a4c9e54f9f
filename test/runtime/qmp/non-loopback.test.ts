/** QMP has no authentication: an address other than loopback needs allowRemote. */
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { serveQmp } from '../../../runtime/qmp/index.js';
import { FakeBackend } from './support/fake-backend.js';

describe('QMP on TCP', () => {
  it('refuses 0.0.0.0 without allowRemote, naming the address and the flag', async () => {
    const error = await serveQmp(new FakeBackend(), { host: '0.0.0.0', port: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockstepError);
    expect((error as LockstepError).code).toBe('qmp-not-loopback');
    expect((error as LockstepError).message).toContain('0.0.0.0:0');
    expect((error as LockstepError).message).toContain('--qmp-allow-remote');
  });

  it('serves 0.0.0.0 with allowRemote, and loopback without it', async () => {
    const remote = await serveQmp(new FakeBackend(), { host: '0.0.0.0', port: 0 }, { allowRemote: true });
    await remote.close();
    const local = await serveQmp(new FakeBackend(), { host: '127.0.0.1', port: 0 });
    expect(local.address).toMatchObject({ host: '127.0.0.1' });
    await local.close();
  });
});
