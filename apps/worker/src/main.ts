import 'reflect-metadata';

import { AppConfig, ConfigValidationError, loadConfig } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { WorkerModule } from './worker.module';
import { WorkerRuntime } from './worker-runtime';

async function main(): Promise<void> {
  loadConfig(); // fail fast with a readable list of configuration problems
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  const runtime = app.get(WorkerRuntime);
  await runtime.start();
  const config = app.get(AppConfig);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal}: finishing in-flight jobs`);
    setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    runtime
      .stop()
      .then(() => app.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigValidationError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
