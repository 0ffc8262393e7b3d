/** Where a command writes and what it reads from its environment: the process's, or a test's. */
export type CliIO = {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Record<string, string | undefined>;
};
