import { GuestLinks, GuestModule } from '@app/guest';
import { Module, type OnModuleInit } from '@nestjs/common';

import { TasksController } from './controllers/tasks.controller';
import { TasksRepository } from './repositories/tasks.repository';
import { TaskDesk } from './services/task-desk';
import { TasksService } from './services/tasks.service';

/** The `operations` bounded context (tasks for hotel departments); owns the `operations` schema. */
@Module({
  imports: [GuestModule],
  controllers: [TasksController],
  providers: [TasksRepository, TasksService, TaskDesk],
  exports: [TaskDesk],
})
export class OperationsModule implements OnModuleInit {
  constructor(
    private readonly links: GuestLinks,
    private readonly tasks: TasksRepository,
  ) {}

  /** A merged guest's tasks follow the surviving profile, in the merge's transaction. */
  onModuleInit(): void {
    this.links.register('operations', ({ propertyId, sourceGuestId, targetGuestId }) =>
      this.tasks.moveGuest(propertyId, sourceGuestId, targetGuestId),
    );
  }
}
