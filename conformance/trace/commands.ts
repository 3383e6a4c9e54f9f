import type { QmpCommand } from '../qmp/wire.js';

/** A command seen in the log, waiting for its reply. @public */
export interface SentCommand {
  readonly line: number;
  readonly name: string;
  readonly oob: boolean;
  readonly args: Readonly<Record<string, unknown>> | undefined;
  /** Wall-clock ms when it was read (live checking), for the wedge timer. */
  readonly readAt: number;
}

/**
 * Pairs replies with commands as QEMU does (monitor/qmp.c:qmp_send_response echoes `id`). A reply
 * without an id answers the oldest in-band command without one: in-band commands run in order
 * (monitor/qmp.c:monitor_qmp_dispatcher_co takes one request at a time).
 * @internal
 */
export class PendingCommands {
  private readonly byId = new Map<string, SentCommand>();
  private readonly anonymous: SentCommand[] = [];

  /** Records a command line. */
  sent(line: number, name: string, oob: boolean, value: QmpCommand): void {
    const command = { line, name, oob, args: value.arguments, readAt: Date.now() };
    if (value.id === undefined) this.anonymous.push(command);
    else this.byId.set(JSON.stringify(value.id), command);
  }

  /** The command a reply answers, removed from the pending set; null when none matches. */
  answered(id: unknown): SentCommand | null {
    if (id === undefined) return this.anonymous.shift() ?? null;
    const key = JSON.stringify(id);
    const command = this.byId.get(key) ?? null;
    this.byId.delete(key);
    return command;
  }

  /** In-band commands still without a reply, oldest first. */
  inBand(): SentCommand[] {
    return [...this.byId.values(), ...this.anonymous].filter((c) => !c.oob).sort((a, b) => a.line - b.line);
  }
}
