import { Module } from '@nestjs/common';

import { GuestsController } from './controllers/guests.controller';
import { GuestSyncRepository } from './repositories/guest-sync.repository';
import { GuestsRepository } from './repositories/guests.repository';
import { GuestDirectory } from './services/guest-directory';
import { GuestLinks } from './services/guest-links';
import { GuestSync } from './services/guest-sync';
import { GuestsService } from './services/guests.service';

/** The `guest` bounded context; owns the `guest` PostgreSQL schema. */
@Module({
  controllers: [GuestsController],
  providers: [GuestsRepository, GuestSyncRepository, GuestsService, GuestDirectory, GuestLinks, GuestSync],
  exports: [GuestDirectory, GuestLinks, GuestSync],
})
export class GuestModule {}
