import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import {
  ApprovalDto,
  ApprovalPageDto,
  ApproveDto,
  ListApprovalsQueryDto,
  RejectDto,
} from '../dtos/approval.dto';
import { ApprovalsService } from '../services/approvals.service';

/** The approval queue: replies and tasks the AI proposes for a staff member to approve first. */
@ApiTags('concierge')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/approvals', version: '1' })
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'Approvals (pending by default, oldest first) with what the guest wrote' })
  @ApiOkResponse({ type: ApprovalPageDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: ListApprovalsQueryDto,
  ) {
    return this.approvals.list(a, q);
  }

  @Get(':approvalId')
  @RequirePermissions(Permission.ConversationRead)
  @ApiOperation({ summary: 'One approval with its proposal, decision and result' })
  @ApiOkResponse({ type: ApprovalDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('approvalId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.approvals.get(a, id);
  }

  @Post(':approvalId/approve')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ApprovalDecide)
  @Audited('approval.approve', 'approval', 'approvalId')
  @ApiOperation({
    summary: 'Approve (optionally editing the reply or the task first): the action runs exactly once',
  })
  @ApiOkResponse({ type: ApprovalDto })
  approve(
    @Param('propertyId', UuidParam) _p: string,
    @Param('approvalId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: ApproveDto,
  ) {
    return this.approvals.approve(a, id, dto);
  }

  @Post(':approvalId/reject')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.ApprovalDecide)
  @Audited('approval.reject', 'approval', 'approvalId')
  @ApiOperation({ summary: 'Reject with a reason: nothing is done and the conversation goes to staff' })
  @ApiOkResponse({ type: ApprovalDto })
  reject(
    @Param('propertyId', UuidParam) _p: string,
    @Param('approvalId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
    @Body() dto: RejectDto,
  ) {
    return this.approvals.reject(a, id, dto.reason);
  }
}
