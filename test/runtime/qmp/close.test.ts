import { access } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { connect, startServer } from './support/client.js';

describe('close', () => {
  it('ends every connection, removes the socket file and unsubscribes from events', async () => {
    const { server, backend } = await startServer('unix');
    const clients = await Promise.all([connect(server), connect(server, false)]);
    clients[0]?.send({ execute: 'hang', id: 1 });
    await vi.waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.subscribers).toBe(1);
    await server.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(clients.every((c) => c.closed)).toBe(true);
    await expect(access((server.address as { path: string }).path)).rejects.toThrow();
    expect(backend.subscribers).toBe(0);
    backend.release(); // a late reply to a closed connection is dropped quietly
  });

  it('stops listening on TCP', async () => {
    const { server } = await startServer('tcp');
    await server.close();
    const { port } = server.address as { port: number };
    const refused = await new Promise((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(false));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
