import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { FeedbackDto, GiveFeedbackDto } from '../dtos/feedback.dto';
import { FeedbackService } from '../services/feedback.service';

/** Staff's word on the AI's replies: what the concierge learns from. */
@ApiTags('concierge')
@ApiProblems(400, 401, 403, 404, 422, 503)
@ApiBearerAuth()
@Controller({
  path: 'properties/:propertyId/conversations/:conversationId/messages/:messageId/feedback',
  version: '1',
})
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ConversationWrite)
  @Audited('message.feedback', 'message', 'messageId')
  @ApiOperation({
    summary: 'Rate an AI reply helpful or unhelpful, with a correction (rating again replaces it)',
    description:
      'Only replies the AI sent (422 not_an_ai_reply otherwise). An unhelpful rating counts the guest’s ' +
      'question into a knowledge gap; the correction becomes the gap’s answer.',
  })
  @ApiOkResponse({ type: FeedbackDto })
  give(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) conversationId: string,
    @Param('messageId', UuidParam) messageId: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: GiveFeedbackDto,
  ) {
    return this.feedback.give(a, conversationId, messageId, dto);
  }

  @Get()
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'The rating of an AI reply (404 feedback_not_found when it has none)' })
  @ApiOkResponse({ type: FeedbackDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) conversationId: string,
    @Param('messageId', UuidParam) messageId: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.feedback.get(a, conversationId, messageId);
  }
}
