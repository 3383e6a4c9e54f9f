import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Writes QMP traffic to a file, one wire object per line, exactly as it crossed the socket: the
 * greeting, every command sent, every reply, error and event. No direction or time is added, so the
 * file is the same format socat or any QMP client records, and `checkTrace` reads it back.
 * @public
 */
export class QmpRecorder {
  private readonly stream: WriteStream;
  private closing: Promise<void> | null = null;

  /** @param path - the file to write (created or truncated) */
  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
  }

  /** Appends one wire line (without its newline). */
  write(line: string): void {
    if (!this.closing) this.stream.write(`${line}\n`);
  }

  /** Flushes and closes the file; every call resolves once the data is on disk. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return this.closing;
  }
}
