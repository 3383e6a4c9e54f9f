import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeRuntime } from '../../../runtime/node/node-runtime.js';
import { watchPeer } from '../../../runtime/node/peer-watch.js';

const TIMEOUT_MS = 200;

/** What watchPeer reads of a node in COLO, and each report it makes. */
function nodeInColo() {
  const reports: ('silent' | 'spoke')[] = [];
  let reported: () => void = () => {};
  const node = {
    options: { peerTimeoutMs: TIMEOUT_MS },
    checkpointDelayMs: 10,
    state: { colo: { value: 'primary-checkpoint' } },
    killed: false,
    peerSilent: (silent: unknown) => {
      reports.push(silent === null ? 'spoke' : 'silent');
      reported();
    },
  };
  const next = () => new Promise<void>((resolve) => (reported = resolve));
  return { node: node as unknown as NodeRuntime, reports, next };
}

const open: (Server | Socket)[] = [];
afterEach(() => {
  for (const handle of open.splice(0))
    if ('destroy' in handle) handle.destroy();
    else handle.close();
});

/** A loopback connection: the watched (accepted) end and the peer's. */
async function pair(): Promise<{ watched: Socket; peer: Socket }> {
  const server = createServer();
  open.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const peer = connect(port, '127.0.0.1');
  const [watched] = (await once(server, 'connection')) as [Socket];
  await once(peer, 'connect');
  open.push(peer, watched);
  return { watched, peer };
}

describe('the peer watch on the main channel', () => {
  it('reports a peer that stays silent past the timeout, once', async () => {
    const { node, reports, next } = nodeInColo();
    const { watched } = await pair();
    watchPeer(node, watched);
    await next();
    expect(reports).toEqual(['silent']);
  });

  // a process held up past the timeout (a loaded machine) runs its timers before its socket reads: bytes
  // that came in time must count as the peer speaking, never as silence followed by speech
  it('does not report silence when the bytes came in time but the process was held up', async () => {
    const { node, reports, next } = nodeInColo();
    const { watched, peer } = await pair();
    watchPeer(node, watched);
    const spoke = next();
    // from the check phase, so the next turn runs the (now due) timeout before the poll that reads
    setImmediate(() => {
      peer.write('x');
      const until = performance.now() + 2 * TIMEOUT_MS;
      while (performance.now() < until);
    });
    await spoke;
    // the report a timeout would make waits one turn: give it that turn
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports).toEqual(['spoke']);
  });
});
