import { describe, expect, it } from 'vitest';
import { connect, startServer } from './support/client.js';

describe('greeting', () => {
  for (const transport of ['unix', 'tcp'] as const)
    it(`is QEMU's shape, one \\r\\n-terminated line, over ${transport}`, async () => {
      const { server } = await startServer(transport);
      const client = await connect(server, false);
      expect(client.greeting).toEqual({
        QMP: {
          version: { qemu: { micro: 0, minor: 0, major: 11 }, package: 'lockstep' },
          capabilities: ['oob'],
        },
      });
      expect(client.raw[0]).toBe(
        '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 0, "major": 11}, "package": "lockstep"}, "capabilities": ["oob"]}}',
      );
    });

  it('takes the version and package from the options', async () => {
    const { server } = await startServer('unix', {
      version: { major: 7, minor: 2, micro: 19 },
      package: 'Debian 1:7.2',
    });
    const client = await connect(server, false);
    expect(client.greeting).toMatchObject({
      QMP: { version: { qemu: { major: 7, minor: 2, micro: 19 }, package: 'Debian 1:7.2' } },
    });
  });

  it('listens on loopback for TCP and reports the port it got', async () => {
    const { server } = await startServer('tcp');
    expect(server.address).toMatchObject({ host: '127.0.0.1' });
    expect((server.address as { port: number }).port).toBeGreaterThan(0);
  });
});
