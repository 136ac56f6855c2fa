import { Module } from '@nestjs/common';

import { GuestsController } from './controllers/guests.controller';
import { GuestsRepository } from './repositories/guests.repository';
import { GuestDirectory } from './services/guest-directory';
import { GuestMergeParticipants } from './services/guest-merge-participants';
import { GuestsService } from './services/guests.service';

/** The `guest` bounded context; owns the `guest` PostgreSQL schema. */
@Module({
  controllers: [GuestsController],
  providers: [GuestsRepository, GuestsService, GuestDirectory, GuestMergeParticipants],
  exports: [GuestDirectory, GuestMergeParticipants],
})
export class GuestModule {}
