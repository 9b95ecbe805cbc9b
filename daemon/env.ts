/**
 * Process settings applied before any other module loads (imported first by main.ts).
 * LanceDB's native logger writes warnings such as "No existing dataset …, it will be
 * created" to stderr, i.e. into the daemon log and the CLI's output; only its errors
 * are worth showing. `LANCEDB_LOG` set by the user wins.
 */
process.env.LANCEDB_LOG ??= 'error';
