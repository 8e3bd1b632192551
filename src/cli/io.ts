/** What a CLI command may touch, so tests can run commands in-process. */
export interface CliIO {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Asks the user a question (a terminal); absent when nobody can answer (CI, pipes). */
  prompt?(question: string): Promise<string>;
}

/** Bad arguments or unreadable input: exit code 2, message on stderr. */
export class UsageError extends Error {}
