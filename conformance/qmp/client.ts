import type { Socket } from 'node:net';
import { QmpClosedError, QmpError, QmpProtocolError, QmpTimeoutError } from './errors.js';
import { EventStream } from './event-stream.js';
import { describeTarget, LineSplitter, openSocket, type QmpTarget } from './lines.js';
import { QmpRecorder } from './recorder.js';
import { classifyQmp, type QmpEvent, type QmpGreeting } from './wire.js';

/** Options of {@link QmpClient.connect}. @public */
export interface QmpConnectOptions {
  /** Write the raw traffic here, one wire object per line (see {@link QmpRecorder}). */
  readonly recordTo?: string;
  /** Default timeout of a command, in ms (10 000). */
  readonly timeoutMs?: number;
  /** Timeout for connecting and for the greeting and negotiation, in ms (5 000). */
  readonly connectTimeoutMs?: number;
  /** The out-of-band command sent to tell a hung QEMU from a dead one (`query-yank`, allow-oob since 6.0). */
  readonly oobProbe?: string;
}

/** Per-command options. @public */
export interface ExecuteOptions {
  readonly timeoutMs?: number;
}

/** Which way a wire line went: `out` to QEMU, `in` from QEMU. @public */
export type TrafficDirection = 'in' | 'out';

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A QMP client (docs/interop/qmp-spec.rst): reads the greeting, negotiates with `oob` enabled when
 * QEMU offers it, correlates replies by `id`, and never leaves a caller waiting forever: every command
 * has a timeout, and an in-band timeout is classified with an out-of-band probe (see QmpTimeoutError).
 * @public
 */
export class QmpClient {
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(event: QmpEvent) => void>();
  private readonly trafficListeners = new Set<(line: string, direction: TrafficDirection) => void>();
  private nextId = 0;
  private isClosed = false;
  private closing = false;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly recorder: QmpRecorder | null,
    private readonly options: QmpConnectOptions,
    /** The greeting QEMU sent. */
    readonly greeting: QmpGreeting,
    /** True when `oob` was offered and enabled: `executeOob` works and timeouts are probed. */
    readonly oob: boolean,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.shutDown());
  }

  /**
   * Connects, reads the greeting and sends `qmp_capabilities` (with `enable: ["oob"]` when offered).
   * @throws QmpProtocolError when the socket cannot be reached or does not speak QMP
   * @example const qmp = await QmpClient.connect({ path: '/tmp/qmp.sock' }, { recordTo: 'primary.jsonl' });
   */
  static async connect(target: QmpTarget, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const socket = await openSocket(target, connectTimeoutMs);
    socket.setEncoding('utf8');
    // A reset or EPIPE surfaces as 'close' right after; without a listener Node would throw it.
    socket.on('error', () => {});
    const recorder = options.recordTo ? new QmpRecorder(options.recordTo) : null;
    const splitter = new LineSplitter();
    const early: string[] = [];
    const greeting = await new Promise<QmpGreeting>((resolve, reject) => {
      const fail = (why: string) => {
        socket.destroy();
        reject(new QmpProtocolError(`${describeTarget(target)}: ${why}`));
      };
      const timer = setTimeout(() => fail(`no QMP greeting within ${connectTimeoutMs} ms`), connectTimeoutMs);
      socket.once('close', () => fail('closed before the QMP greeting'));
      socket.on('data', (chunk: string) => {
        early.push(...splitter.push(chunk));
        if (early.length === 0) return;
        clearTimeout(timer);
        socket.removeAllListeners('data').removeAllListeners('close');
        const first = early.shift()!;
        recorder?.write(first);
        const message = classifyQmp(parseOrNull(first));
        if (message?.kind === 'greeting') resolve(message.value);
        else fail(`the first line is not a QMP greeting: ${first.slice(0, 80)}`);
      });
    });
    const oob = greeting.QMP.capabilities.includes('oob');
    const client = new QmpClient(socket, recorder, options, greeting, oob);
    socket.on('data', (chunk: string) => {
      for (const line of splitter.push(chunk)) client.receive(line);
    });
    for (const line of early) client.receive(line);
    await client.send('execute', 'qmp_capabilities', oob ? { enable: ['oob'] } : undefined, {
      timeoutMs: connectTimeoutMs,
    });
    return client;
  }

  /**
   * Runs an in-band command and resolves with its `return` value.
   * @throws QmpError on an error reply, QmpTimeoutError when no reply comes in time, QmpClosedError
   */
  execute(command: string, args?: Record<string, unknown>, options: ExecuteOptions = {}): Promise<unknown> {
    return this.send('execute', command, args, options);
  }

  /** Runs a command out of band (`exec-oob`; QEMU answers it even while the main loop is stuck). */
  executeOob(
    command: string,
    args?: Record<string, unknown>,
    options: ExecuteOptions = {},
  ): Promise<unknown> {
    if (!this.oob) return Promise.reject(new QmpProtocolError(`${command}: this QEMU did not offer oob`));
    return this.send('exec-oob', command, args, options);
  }

  /** Every event from now on, as an async iterator; it ends when the connection closes. */
  events(): AsyncIterableIterator<QmpEvent> {
    const stream = new EventStream<QmpEvent>();
    if (this.isClosed) stream.end();
    const push = (event: QmpEvent) => stream.push(event);
    this.eventListeners.add(push);
    void this.closed.then(() => stream.end());
    return stream;
  }

  /** Calls `listener` for each event; returns the function that unsubscribes it. */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Calls `listener` with every raw wire line after the greeting, in order (what the recorder writes). */
  onTraffic(listener: (line: string, direction: TrafficDirection) => void): () => void {
    this.trafficListeners.add(listener);
    return () => this.trafficListeners.delete(listener);
  }

  /**
   * Closes the connection and the recording; waiting commands reject with QmpClosedError. Nothing that
   * arrives after the call is recorded or delivered: a log ends where its user stopped listening, so a
   * peer's teardown (the other QEMU killed a moment earlier) cannot add a COLO_EXIT to it.
   */
  async close(): Promise<void> {
    this.closing = true;
    const flushed = this.recorder?.close();
    this.socket.end();
    this.socket.destroySoon();
    await this.closed;
    await flushed;
  }

  private async send(
    verb: 'execute' | 'exec-oob',
    command: string,
    args: Record<string, unknown> | undefined,
    options: ExecuteOptions,
  ): Promise<unknown> {
    if (this.isClosed) throw new QmpClosedError(command);
    const id = `lockstep-${++this.nextId}`;
    const line = JSON.stringify({ [verb]: command, ...(args ? { arguments: args } : {}), id });
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const reply = new Promise<unknown>((resolve, reject) =>
      this.pending.set(id, { command, resolve, reject }),
    );
    this.traffic(line, 'out');
    this.socket.write(`${line}\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
    if (first !== 'timeout' || !this.pending.has(id)) return reply;
    this.pending.delete(id);
    throw new QmpTimeoutError(command, timeoutMs, verb === 'execute' ? await this.probe(timeoutMs) : false);
  }

  /** monitor/qmp.c:handle_qmp_command dispatches exec-oob in the I/O thread: any reply proves it alive. */
  private async probe(timeoutMs: number): Promise<boolean | null> {
    if (!this.oob || this.isClosed) return null;
    try {
      await this.send('exec-oob', this.options.oobProbe ?? 'query-yank', undefined, {
        timeoutMs: Math.min(timeoutMs, 2000),
      });
      return true;
    } catch (error) {
      return error instanceof QmpError ? true : error instanceof QmpTimeoutError ? false : null;
    }
  }

  private receive(line: string): void {
    if (this.closing) return;
    this.traffic(line, 'in');
    const message = classifyQmp(parseOrNull(line));
    if (message?.kind === 'event') for (const listener of this.eventListeners) listener(message.value);
    if (message?.kind !== 'reply' && message?.kind !== 'error') return;
    const id = typeof message.value.id === 'string' ? message.value.id : '';
    const waiting = this.pending.get(id);
    if (!waiting) return; // a reply after its timeout, or to a command another client sent
    this.pending.delete(id);
    if (message.kind === 'reply') waiting.resolve(message.value.return);
    else waiting.reject(new QmpError(waiting.command, message.value.error.class, message.value.error.desc));
  }

  private traffic(line: string, direction: TrafficDirection): void {
    this.recorder?.write(line);
    for (const listener of this.trafficListeners) listener(line, direction);
  }

  private shutDown(): void {
    this.isClosed = true;
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(new QmpClosedError(waiting.command));
    }
    // close() awaits the same promise and reports a failed flush; here only the socket is gone.
    this.recorder?.close().catch(() => {});
  }
}

function parseOrNull(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
