import type { Finding } from './report.js';

/** A stretch of time (µs, QEMU's event clock) during which a node ran the guest as the service. @public */
export interface ServingInterval {
  readonly start: number;
  readonly end: number;
  /** The line whose event made the node serve. */
  readonly line: number;
}

/**
 * Tracks when a node runs as the service, as machines' `servesVm` defines it (the checker's split-brain
 * property asks the same): the source (primary) serves whenever its VM runs; the destination serves when
 * its VM runs (vm_start emits RESUME) outside `colo`, where it is COLO's replica: after
 * colo.c:secondary_vm_do_failover, a plain migration or postcopy's switch. A log that ends while
 * serving is taken to serve until its last timestamped event: a QEMU killed with SIGKILL leaves no
 * trace, so only what the log witnesses counts.
 * @internal
 */
export class ServingTracker {
  readonly intervals: ServingInterval[] = [];
  private open: { start: number; line: number } | null = null;
  private last: number | null = null;

  /** Updates with the node's state after an event at `time` on `line`. */
  update(serving: boolean, time: number | null, line: number): void {
    if (time === null) return;
    this.last = Math.max(time, this.last ?? time);
    if (serving && !this.open) this.open = { start: time, line };
    if (!serving && this.open) {
      this.intervals.push({ start: this.open.start, end: time, line: this.open.line });
      this.open = null;
    }
  }

  /** Closes an open interval at the last event of the log. */
  finish(): ServingInterval[] {
    if (this.open && this.last !== null) this.intervals.push({ ...this.open, end: this.last });
    this.open = null;
    return this.intervals;
  }
}

/**
 * Split brain: a moment at which both sides serve. Both logs carry each host's wall clock
 * (qapi/qmp-event.c:timestamp_put), so this assumes the hosts' clocks agree.
 * @internal
 */
export function splitBrain(mine: ServingInterval[], peer: ServingInterval[]): Finding | null {
  for (const a of mine) {
    for (const b of peer) {
      const from = Math.max(a.start, b.start);
      if (from <= Math.min(a.end, b.end)) {
        const at = new Date(from / 1000).toISOString();
        return {
          kind: 'split-brain',
          line: a.line,
          peerLine: b.line,
          detail: `both sides run the guest as the service from ${at} (this log line ${a.line}, peer line ${b.line})`,
        };
      }
    }
  }
  return null;
}
