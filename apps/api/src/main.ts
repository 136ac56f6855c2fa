import 'reflect-metadata';

import { AppConfig, ConfigValidationError } from '@app/platform';

import { createApiApp, installShutdown } from './bootstrap';

async function main(): Promise<void> {
  const app = await createApiApp();
  const config = app.get(AppConfig);
  installShutdown(app, config);
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad configuration): write the reason plainly.
  process.stderr.write(
    `${err instanceof ConfigValidationError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
