import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AiModeDto, AssignDto, ConversationDto } from '../dtos/conversation.dto';
import { type ConversationMove, InboxService } from '../services/inbox.service';

/** What staff do with a conversation: assign, escalate, resolve, close, reopen, AI mode, typing, read. */
@ApiTags('conversations')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/conversations/:conversationId', version: '1' })
export class ConversationActionsController {
  constructor(private readonly inbox: InboxService) {}

  @Post('assign')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.assign', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Assign to a staff member (or unassign with null)' })
  @ApiOkResponse({ type: ConversationDto })
  assign(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: AssignDto,
  ) {
    return this.inbox.assign(a, id, dto.userId ?? null);
  }

  @Post('ai-mode')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.ai_mode', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Let the AI answer (auto) or keep it quiet (paused)' })
  @ApiOkResponse({ type: ConversationDto })
  aiMode(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: AiModeDto,
  ) {
    return this.inbox.setAiMode(a, id, dto.mode);
  }

  @Post('typing')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.ConversationWrite)
  @ApiOperation({
    summary: 'Staff is typing a reply: the web chat visitor and other staff screens see it live',
    description:
      'Send every few seconds while typing. Nothing is stored; other channels have no typing state.',
  })
  @ApiNoContentResponse()
  typing(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ): Promise<void> {
    return this.inbox.typing(a, id);
  }

  @Post('read')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'Mark as read' })
  @ApiOkResponse({ type: ConversationDto })
  read(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.inbox.markRead(a, id);
  }

  @Post('escalate')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.escalate', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Escalate (new or active)' })
  @ApiOkResponse({ type: ConversationDto })
  escalate(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.move(a, id, 'escalate');
  }

  @Post('resolve')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.resolve', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Resolve (new, active or escalated)' })
  @ApiOkResponse({ type: ConversationDto })
  resolve(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.move(a, id, 'resolve');
  }

  @Post('close')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.close', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Close' })
  @ApiOkResponse({ type: ConversationDto })
  close(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.move(a, id, 'close');
  }

  @Post('reopen')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.reopen', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'Reopen a resolved or closed conversation (if no other is open for the address)' })
  @ApiOkResponse({ type: ConversationDto })
  reopen(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.move(a, id, 'reopen');
  }

  private move(a: PropertyAccess, id: string, move: ConversationMove) {
    return this.inbox.move(a, id, move);
  }
}
