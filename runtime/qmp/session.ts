/**
 * One QMP connection: capabilities negotiation, in-band commands one at a time in arrival order,
 * out-of-band commands answered as soon as the backend answers (monitor/qmp.c).
 * @packageDocumentation
 */
import type { Socket } from 'node:net';
import { qmpError, qmpLine } from './json-out.js';
import { JsonSplitter, type SplitItem } from './json-splitter.js';
import { checkCapabilities, checkRequest, type QmpRequest, requestId } from './request.js';
import type { QmpBackend, QmpReply } from './types.js';

// monitor/monitor-internal.h:QMP_REQ_QUEUE_LEN_MAX; without oob, monitor/qmp.c queues one command at most.
const QUEUE_MAX_OOB = 8;

/** One connection's state. @internal */
export class QmpSession {
  /** True once qmp_capabilities succeeded; only then does the client get events. */
  negotiated = false;
  private oob = false;
  private readonly queue: Entry[] = [];
  private running = false;
  private readonly splitter: JsonSplitter;

  constructor(
    private readonly socket: Socket,
    private readonly backend: QmpBackend,
    private readonly oobCommands: ReadonlySet<string>,
    maxInputBytes: number,
  ) {
    this.splitter = new JsonSplitter(maxInputBytes);
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.splitter.push(chunk)) this.accept(item);
    });
  }

  /** Writes one value as a line, if the client is still there. */
  send(value: unknown): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(qmpLine(value));
  }

  // monitor/qmp.c:handle_qmp_command: exec-oob runs at once; everything else (parse errors too) queues.
  private accept(item: SplitItem): void {
    const entry = 'error' in item ? item : parse(item.text);
    if ('input' in entry && this.oob && isOob(checkRequest(entry.input, true))) {
      void this.dispatch(entry).then((reply) => this.send(reply));
      return;
    }
    this.queue.push(entry);
    this.pump();
  }

  private pump(): void {
    const next = this.running ? undefined : this.queue.shift();
    if (next) {
      this.running = true;
      void this.dispatch(next).then((reply) => {
        this.send(reply);
        this.running = false;
        this.pump();
      });
    }
    // monitor/qmp.c:handle_qmp_command suspends reading while the queue is full.
    const pending = this.queue.length + (this.oob ? 0 : Number(this.running));
    if (pending >= (this.oob ? QUEUE_MAX_OOB : 1)) this.socket.pause();
    else if (!this.socket.destroyed) this.socket.resume();
  }

  /** Runs one input to its reply, `id` included (qapi/qmp-dispatch.c:qmp_dispatch). */
  private async dispatch(entry: Entry): Promise<object> {
    if ('error' in entry) return qmpError(entry.error);
    const id = requestId(entry.input);
    const request = checkRequest(entry.input, this.oob);
    if (typeof request === 'string') return { ...qmpError(request), ...id };
    return { ...(await this.run(request.command, request.args, request.oob)), ...id };
  }

  private async run(command: string, args: Readonly<Record<string, unknown>> | undefined, oob: boolean) {
    if (!this.negotiated) {
      // monitor/qmp.c:monitor_qmp_dispatch rewrites CommandNotFound while negotiating.
      if (command !== 'qmp_capabilities')
        return qmpError("Expecting capabilities negotiation with 'qmp_capabilities'", 'CommandNotFound');
      const caps = checkCapabilities(args);
      if (typeof caps === 'string') return qmpError(caps);
      this.negotiated = true;
      this.oob = caps.includes('oob');
      return { return: {} };
    }
    // monitor/qmp-cmds-control.c:qmp_qmp_capabilities
    if (command === 'qmp_capabilities' && !oob)
      return qmpError('Capabilities negotiation is already complete, command ignored', 'CommandNotFound');
    // qapi/qmp-dispatch.c:qmp_dispatch checks QCO_ALLOW_OOB
    if (oob && !this.oobCommands.has(command)) return qmpError(`The command ${command} does not support OOB`);
    try {
      const reply = await this.backend.execute(command, args, { oob });
      return isReply(reply) ? reply : qmpError(`${command} gave no reply`);
    } catch (e) {
      return qmpError(`internal error in ${command}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** A queued input: parsed JSON, or an error found while splitting or parsing it. */
type Entry = { readonly input: unknown } | { readonly error: string };

function parse(text: string): Entry {
  try {
    return { input: JSON.parse(text) };
  } catch (e) {
    return { error: `JSON parse error, ${(e as Error).message}` };
  }
}

const isOob = (request: QmpRequest | string) => typeof request === 'object' && request.oob;

const isReply = (reply: unknown): reply is QmpReply =>
  typeof reply === 'object' && reply !== null && ('return' in reply || 'error' in reply);
