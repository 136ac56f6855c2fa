import { ComplianceModule } from '@app/compliance';
import { ConciergeModule } from '@app/concierge';
import { ConversationModule } from '@app/conversation';
import { GuestModule } from '@app/guest';
import { KnowledgeModule } from '@app/knowledge';
import { OperationsModule } from '@app/operations';
import {
  IdentityModule,
  PlatformCoreModule,
  ProblemDetailsFilter,
  validationExceptionFactory,
} from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { Module } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';

@Module({
  imports: [
    PlatformCoreModule,
    ComplianceModule,
    IdentityModule,
    GuestModule,
    ReservationModule,
    ConversationModule,
    OperationsModule,
    KnowledgeModule,
    ConciergeModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    {
      provide: APP_PIPE,
      useFactory: () =>
        new ValidationPipe({
          whitelist: true,
          forbidNonWhitelisted: true,
          transform: true,
          forbidUnknownValues: true,
          exceptionFactory: validationExceptionFactory,
        }),
    },
  ],
})
export class ApiModule {}
