/** `npm run db:migrate` (up) and `npm run db:migrate:down [steps|all]`, as the owner role. */
import 'reflect-metadata';

import { loadDatabaseUrls } from '@app/platform/config';

import { migrateDown, migrateUp } from './migrator';

async function main(): Promise<void> {
  const [direction = 'up', stepsArg = '1'] = process.argv.slice(2);
  const { owner } = loadDatabaseUrls();
  if (direction === 'up') {
    const applied = await migrateUp(owner);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } else if (direction === 'down') {
    const steps = stepsArg === 'all' ? Infinity : Number(stepsArg);
    if (!Number.isFinite(steps) && stepsArg !== 'all') throw new Error('steps must be a number or "all"');
    console.log(`reverted ${await migrateDown(owner, steps)} migration(s)`);
  } else {
    throw new Error(`unknown direction ${direction}; use up or down`);
  }
}

main().catch((err: Error) => {
  console.error(`migration failed: ${err.message}`);
  process.exit(1);
});
