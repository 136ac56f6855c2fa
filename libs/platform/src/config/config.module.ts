import { Global, Module } from '@nestjs/common';

import { AppConfig, loadConfig } from './app-config';

/** Provides the validated AppConfig; boot fails with a readable list when anything is wrong. */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: () => loadConfig() }],
  exports: [AppConfig],
})
export class ConfigModule {}
