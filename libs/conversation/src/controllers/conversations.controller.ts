import {
  ApiProblems,
  Audited,
  CurrentAccess,
  OwnTransactions,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import {
  ConversationDto,
  ConversationPageDto,
  ListConversationsQueryDto,
  MessageDto,
  MessagePageDto,
  MessagesQueryDto,
  NoteDto,
  ReplyDto,
  ReplyResultDto,
} from '../dtos/conversation.dto';
import { InboxService } from '../services/inbox.service';

@ApiTags('conversations')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/conversations', version: '1' })
export class ConversationsController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'The inbox: newest activity first, with filters' })
  @ApiOkResponse({ type: ConversationPageDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: ListConversationsQueryDto,
  ) {
    return this.inbox.list(a, q);
  }

  @Get(':conversationId')
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'One conversation' })
  @ApiOkResponse({ type: ConversationDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.inbox.get(a, id);
  }

  @Get(':conversationId/messages')
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'Its messages, newest first, in cursor pages' })
  @ApiOkResponse({ type: MessagePageDto })
  messages(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: MessagesQueryDto,
  ) {
    return this.inbox.messagePage(a, id, q.limit, q.cursor);
  }

  @Post(':conversationId/messages')
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.reply', 'conversation', 'conversationId')
  @OwnTransactions() // a translation is never waited for inside a transaction
  @ApiOperation({
    summary: 'Reply to the guest (queued for delivery; pauses the AI)',
    description:
      'Free text, or on WhatsApp a registered template (`template`). Refused with 409 recipient_opted_out ' +
      '(SMS STOP) or whatsapp_window_closed (free text with no guest message in 24 h), 422 unknown_template, ' +
      'template_language_ambiguous or template_not_supported.',
  })
  @ApiCreatedResponse({ type: ReplyResultDto })
  reply(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: ReplyDto,
  ) {
    return this.inbox.reply(a, id, dto);
  }

  @Post(':conversationId/notes')
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('conversation.note', 'conversation', 'conversationId')
  @ApiOperation({ summary: 'An internal note (never sent to the guest)' })
  @ApiCreatedResponse({ type: MessageDto })
  note(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: NoteDto,
  ) {
    return this.inbox.note(a, id, dto.content);
  }
}
