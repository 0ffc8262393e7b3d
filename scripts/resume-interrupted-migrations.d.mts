/** Deletes the `_prisma_migrations` rows of migrations that did not finish (killed, or refused by a gate); returns their names. */
export declare function resumeInterruptedMigrations(file: string | null): string[];
