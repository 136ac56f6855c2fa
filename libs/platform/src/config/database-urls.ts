import { AppConfig } from './app-config';
import { readEnvironment } from './env';

/** Provisioning-only superuser URL: creates roles, databases and extensions; never used at runtime. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@localhost:5432/postgres';

export interface DatabaseUrls {
  admin: string;
  owner: string;
  app: string;
}

/** Connection URLs for database scripts (provision, migrate, seed), with AppConfig's defaults. */
export function loadDatabaseUrls(env: Record<string, string | undefined> = readEnvironment()): DatabaseUrls {
  const defaults = new AppConfig();
  const pick = (key: string, fallback: string) => {
    const value = env[key];
    if (value === undefined || value === '') return fallback;
    if (!/^postgres(ql)?:\/\/.+/.test(value)) throw new Error(`${key} must be a postgres:// URL`);
    return value;
  };
  return {
    admin: pick('DATABASE_ADMIN_URL', DEFAULT_ADMIN_URL),
    owner: pick('DATABASE_OWNER_URL', defaults.DATABASE_OWNER_URL),
    app: pick('DATABASE_URL', defaults.DATABASE_URL),
  };
}
