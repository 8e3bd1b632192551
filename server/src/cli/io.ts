/** What a CLI command may touch, so tests can run commands in-process. */
export interface CliIO {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Bad arguments or unreadable input: exit code 2, message on stderr. */
export class UsageError extends Error {}
