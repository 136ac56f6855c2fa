import {
  ApiProblems,
  CurrentAccess,
  CurrentPrincipal,
  OwnTransactions,
  Permission,
  type Principal,
  type PropertyAccess,
  RequirePermissions,
  StaffStreams,
  UuidParam,
} from '@app/platform';
import { Controller, Get, type MessageEvent, Param, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Observable } from 'rxjs';

import { RealtimeService } from '../services/realtime.service';

/** The staff live stream: message.created, message.status, conversation.*, task.* (ids only). */
@ApiTags('conversations')
@ApiProblems(401, 403, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/events', version: '1' })
export class EventsController {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly staffStreams: StaffStreams,
  ) {}

  @Get()
  @Sse()
  @OwnTransactions() // a stream must not hold a request transaction open
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: "Server-sent events of the property's inbox and tasks, from every api replica" })
  @ApiOkResponse({
    description:
      'text/event-stream of domain events (ids only), `conversation.typing`, `ping` every 25 s, and a final ' +
      '`end` { reason: token_expired | access_revoked } before the stream closes: reconnect with a fresh token.',
  })
  stream(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @CurrentPrincipal() principal: Principal,
  ): Observable<MessageEvent> {
    return this.staffStreams.bounded(
      this.realtime.stream(`property:${a.propertyId}`),
      principal,
      a.propertyId,
      Permission.ConversationRead,
    );
  }
}
