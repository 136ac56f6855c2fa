import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The only place that touches process.env. Loads `.env` from the working directory when present
 * (existing variables win), then hands back a plain snapshot.
 */
export function readEnvironment(): Record<string, string | undefined> {
  const file = resolve(process.cwd(), '.env');
  if (existsSync(file) && process.env.BUTLER_SKIP_DOTENV !== 'true') {
    process.loadEnvFile(file);
  }
  return { ...process.env };
}

/** Sets variables for this process and the children it spawns (test setup, provisioning). */
export function setEnvironment(values: Record<string, string>): void {
  Object.assign(process.env, values);
}

/** The raw process environment, without `.env` (what a spawned child process inherits). */
export function processEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
