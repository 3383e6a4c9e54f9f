/** The parent's handle on peer.ts: one forked process, requests answered in order. */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import type { CheckpointPhases } from '../runtime/node/index.js';
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

  /** Ends the peer's current request; resolves with the secondary's phases if a secondary ran. */
  /** Pins this process (every thread) to core `ours` and the peer to core `theirs` (taskset). */
  pin([ours, theirs]: [number, number]): void {
    execFileSync('taskset', ['-a', '-p', '-c', String(ours), String(process.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', String(theirs), String(this.child.pid)], { stdio: 'ignore' });
  }

  async reset(): Promise<readonly CheckpointPhases[]> {
    return (await this.resetWithCpu()).phases;
  }

  /** {@link Peer.reset}, with the CPU time the peer process (every thread) used while its secondary ran. */
  async resetWithCpu(): Promise<{ phases: readonly CheckpointPhases[]; cpuMs: number; wallMs: number }> {
    const reply = await this.request({ kind: 'reset' });
    return reply.kind === 'reset'
      ? { phases: reply.phases ?? [], cpuMs: reply.cpuMs ?? Number.NaN, wallMs: reply.wallMs ?? Number.NaN }
      : { phases: [], cpuMs: Number.NaN, wallMs: Number.NaN };
  }

  /**
   * The peer's wall clock minus ours (ms), from the IPC round trip with the least delay of `samples`
   * (NTP's estimate), and half that round trip: the error bound of the offset.
   */
  async clockOffset(samples = 20): Promise<{ offsetMs: number; errorMs: number }> {
    let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < samples; i++) {
      const sent = performance.timeOrigin + performance.now();
      const reply = await this.request({ kind: 'clock' });
      const back = performance.timeOrigin + performance.now();
      if (reply.kind !== 'clock') throw new Error(`peer answered ${reply.kind}, not its clock`);
      if ((back - sent) / 2 < best.errorMs)
        best = { offsetMs: reply.wallMs - (sent + back) / 2, errorMs: (back - sent) / 2 };
    }
    return best;
  }

  stop(): void {
    this.child.disconnect();
  }
}
