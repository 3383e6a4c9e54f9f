import { describe, expect, it, vi } from 'vitest';
import { connect, startServer } from './support/client.js';

describe('events', () => {
  it('go to negotiated clients only, with a timestamp, data as given', async () => {
    let micros = 1_700_000_000_123_456;
    const { server, backend } = await startServer('unix', { clockMicros: () => micros });
    const negotiating = await connect(server, false);
    const ready = await connect(server, 'plain');
    backend.emit('MIGRATION', { status: 'setup' });
    micros += 1_000_001;
    backend.emit('STOP');
    expect(await ready.take(2)).toEqual([
      {
        timestamp: { seconds: 1_700_000_000, microseconds: 123_456 },
        event: 'MIGRATION',
        data: { status: 'setup' },
      },
      { timestamp: { seconds: 1_700_000_001, microseconds: 123_457 }, event: 'STOP' },
    ]);
    expect(ready.raw.at(-1)).toBe(
      '{"timestamp": {"seconds": 1700000001, "microseconds": 123457}, "event": "STOP"}',
    );
    // The negotiating client got nothing; its next line is the reply to its next command.
    expect(await negotiating.call({ execute: 'qmp_capabilities' })).toEqual({ return: {} });
    backend.emit('RESUME');
    expect(await negotiating.next()).toMatchObject({ event: 'RESUME' });
  });

  it('reach every client, over TCP too, with wall-clock timestamps by default', async () => {
    const { server, backend } = await startServer('tcp');
    const clients = await Promise.all([connect(server), connect(server), connect(server)]);
    const before = Date.now() / 1000;
    backend.emit('COLO_EXIT', { mode: 'secondary', reason: 'error' });
    for (const client of clients) {
      const event = (await client.next()) as { timestamp: { seconds: number; microseconds: number } };
      expect(event).toMatchObject({ event: 'COLO_EXIT', data: { mode: 'secondary', reason: 'error' } });
      expect(event.timestamp.seconds).toBeGreaterThanOrEqual(Math.floor(before));
      expect(event.timestamp.microseconds).toBeGreaterThanOrEqual(0);
      expect(event.timestamp.microseconds).toBeLessThan(1e6);
    }
  });

  it('are sent while an in-band command hangs', async () => {
    const { server, backend } = await startServer();
    const client = await connect(server);
    client.send({ execute: 'hang', id: 1 });
    await vi.waitFor(() => expect(backend.calls.map((c) => c.command)).toEqual(['hang']));
    backend.emit('MIGRATION_PASS', { pass: 2 });
    expect(await client.next()).toMatchObject({ event: 'MIGRATION_PASS', data: { pass: 2 } });
    backend.release();
    expect(await client.next()).toEqual({ return: { released: true }, id: 1 });
  });
});
