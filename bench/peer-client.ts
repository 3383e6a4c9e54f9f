/** The parent's handle on peer.ts: one forked process, requests answered in order. */
import { type ChildProcess, fork } from 'node:child_process';
import type { PeerReply, PeerRequest } from './protocol.js';

export class Peer {
  private readonly waiting: Array<(reply: PeerReply) => void> = [];

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: PeerReply) => {
      if (reply.kind === 'error') throw new Error(`peer: ${reply.message}`);
      this.waiting.shift()?.(reply);
    });
  }

  /** Forks peer.ts; the child inherits tsx's loader through process.execArgv. */
  static start(): Peer {
    return new Peer(fork(new URL('./peer.ts', import.meta.url), { stdio: 'inherit' }));
  }

  /** The next reply of the peer (a port, then `done` when the data is in). */
  next(): Promise<PeerReply> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async request(request: PeerRequest): Promise<PeerReply> {
    const reply = this.next();
    this.child.send(request);
    return reply;
  }

  async port(request: PeerRequest): Promise<number> {
    const reply = await this.request(request);
    if (reply.kind !== 'port') throw new Error(`peer answered ${reply.kind}, not a port`);
    return reply.port;
  }

  async reset(): Promise<void> {
    await this.request({ kind: 'reset' });
  }

  stop(): void {
    this.child.disconnect();
  }
}
