/** `npm run db:provision`: roles, database and extensions (idempotent). */
import 'reflect-metadata';

import { loadDatabaseUrls } from '@app/platform/config';

import { provision } from './provisioning';

provision(loadDatabaseUrls()).catch((err: Error) => {
  console.error(`provisioning failed: ${err.message}`);
  process.exit(1);
});
