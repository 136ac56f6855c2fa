import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AiPolicyDto, UpdateAiPolicyDto } from '../dtos/ai-policy.dto';
import { ConciergeAnalyticsDto, ConciergeAnalyticsQueryDto } from '../dtos/analytics.dto';
import { DecisionTraceDto } from '../dtos/trace.dto';
import { AiPolicyService } from '../services/ai-policy.service';
import { ConciergeAnalyticsService } from '../services/concierge-analytics.service';
import { DecisionTracesService } from '../services/decision-traces.service';

/** The property's AI policy, why the AI did what it did with a message, and how it does overall. */
@ApiTags('concierge')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId', version: '1' })
export class ConciergeController {
  constructor(
    private readonly policy: AiPolicyService,
    private readonly traces: DecisionTracesService,
    private readonly analytics: ConciergeAnalyticsService,
  ) {}

  @Get('analytics/concierge')
  @RequirePermissions(Permission.AnalyticsRead)
  @ApiOperation({
    summary: 'Concierge analytics: automation and escalation rates, approvals, first-response times, intents',
  })
  @ApiOkResponse({ type: ConciergeAnalyticsDto })
  report(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: ConciergeAnalyticsQueryDto,
  ) {
    return this.analytics.report(a, q);
  }

  @Get('ai-policy')
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'The AI policy: autonomy per action, escalation rules, VIP handling, wording' })
  @ApiOkResponse({ type: AiPolicyDto })
  getPolicy(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: PropertyAccess) {
    return this.policy.get(a);
  }

  @Put('ai-policy')
  @RequirePermissions(Permission.AiPolicyManage)
  @Audited('ai_policy.update', 'property', 'propertyId')
  @ApiOperation({ summary: 'Replace the AI policy (omitted fields take their defaults)' })
  @ApiOkResponse({ type: AiPolicyDto })
  putPolicy(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: UpdateAiPolicyDto,
  ) {
    return this.policy.update(a, dto);
  }

  @Get('conversations/:conversationId/messages/:messageId/trace')
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({
    summary: 'The decision trace of a guest message: what the AI understood, found and decided',
  })
  @ApiOkResponse({ type: DecisionTraceDto })
  trace(
    @Param('propertyId', UuidParam) _p: string,
    @Param('conversationId', UuidParam) conversationId: string,
    @Param('messageId', UuidParam) messageId: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.traces.get(a, conversationId, messageId);
  }
}
