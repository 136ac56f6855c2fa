import { Global, Module } from '@nestjs/common';

import { StaffStreams } from '../auth/staff-streams';
import { MembershipsRepository } from './repositories/memberships.repository';
import { PropertiesRepository } from './repositories/properties.repository';
import { SessionsRepository } from './repositories/sessions.repository';
import { UsersRepository } from './repositories/users.repository';
import { SessionsPruneJob } from './sessions-prune.job';

/** The platform directory's repositories, shared by the api and the worker. */
@Global()
@Module({
  providers: [
    UsersRepository,
    SessionsRepository,
    PropertiesRepository,
    MembershipsRepository,
    SessionsPruneJob,
    StaffStreams,
  ],
  exports: [UsersRepository, SessionsRepository, PropertiesRepository, MembershipsRepository, StaffStreams],
})
export class DirectoryModule {}
