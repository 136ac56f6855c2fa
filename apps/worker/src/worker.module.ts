import { ComplianceModule } from '@app/compliance';
import { ConciergeModule } from '@app/concierge';
import { ConversationModule } from '@app/conversation';
import { GuestModule } from '@app/guest';
import { KnowledgeModule } from '@app/knowledge';
import { OperationsModule } from '@app/operations';
import { PlatformCoreModule } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { Module } from '@nestjs/common';

import { WorkerHeartbeat } from './worker-heartbeat';
import { WorkerRuntime } from './worker-runtime';

@Module({
  imports: [
    PlatformCoreModule,
    ComplianceModule,
    GuestModule,
    ReservationModule,
    ConversationModule,
    OperationsModule,
    KnowledgeModule,
    ConciergeModule,
  ],
  providers: [WorkerRuntime, WorkerHeartbeat],
})
export class WorkerModule {}
