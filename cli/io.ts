/**
 * Where the CLI writes. Commands never touch `process.stdout` directly, so tests can call `main` with
 * their own sinks and read exactly what a user would see.
 * @public
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: progress is then one live line instead of plain lines. */
  readonly isTTY?: boolean;
}

/** The real terminal. @public */
export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  isTTY: process.stderr.isTTY === true,
};
