/** What a command may touch of the process; injected so tests can capture output. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  /** The environment, read only by commands that connect to services (wallet, ledger). */
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A command returns its exit code; it never calls process.exit itself. */
export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;
