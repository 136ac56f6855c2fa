import { Module } from '@nestjs/common';

import { GuestsController } from './controllers/guests.controller';
import { GuestsRepository } from './repositories/guests.repository';
import { GuestDirectory } from './services/guest-directory';
import { GuestLinks } from './services/guest-links';
import { GuestsService } from './services/guests.service';

/** The `guest` bounded context; owns the `guest` PostgreSQL schema. */
@Module({
  controllers: [GuestsController],
  providers: [GuestsRepository, GuestsService, GuestDirectory, GuestLinks],
  exports: [GuestDirectory, GuestLinks],
})
export class GuestModule {}
