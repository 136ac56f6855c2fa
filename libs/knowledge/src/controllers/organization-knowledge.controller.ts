import {
  ApiProblems,
  CurrentPrincipal,
  type Principal,
  ReqInfo,
  type RequestInfo,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { GroupKnowledgeDto } from '../dtos/group-knowledge.dto';
import { CreateKnowledgeDto, UpdateKnowledgeDto } from '../dtos/knowledge.dto';
import { GroupKnowledgeService } from '../services/group-knowledge.service';

/** Organization-wide knowledge, published to every property of a hotel group. */
@ApiTags('knowledge')
@ApiProblems(400, 401, 403, 404, 409, 413, 503)
@ApiBearerAuth()
@Controller({ path: 'organizations/:organizationId/knowledge', version: '1' })
export class OrganizationKnowledgeController {
  constructor(private readonly groups: GroupKnowledgeService) {}

  @Get()
  @ApiOperation({ summary: "The organization's group entries (organization owners and admins)" })
  @ApiOkResponse({ type: [GroupKnowledgeDto] })
  list(
    @Param('organizationId', UuidParam) organizationId: string,
    @CurrentPrincipal() principal: Principal,
    @ReqInfo() request: RequestInfo,
  ) {
    return this.groups.list({ userId: principal.userId, request }, organizationId);
  }

  @Post()
  @ApiOperation({ summary: 'Publish an entry to every property of the organization' })
  @ApiCreatedResponse({ type: GroupKnowledgeDto })
  publish(
    @Param('organizationId', UuidParam) organizationId: string,
    @CurrentPrincipal() principal: Principal,
    @ReqInfo() request: RequestInfo,
    @Body() dto: CreateKnowledgeDto,
  ) {
    return this.groups.publish({ userId: principal.userId, request }, organizationId, dto);
  }

  @Patch(':groupEntryId')
  @ApiOperation({ summary: "Change a group entry and every property's copy (send the version you read)" })
  @ApiOkResponse({ type: GroupKnowledgeDto })
  update(
    @Param('organizationId', UuidParam) organizationId: string,
    @Param('groupEntryId', UuidParam) id: string,
    @CurrentPrincipal() principal: Principal,
    @ReqInfo() request: RequestInfo,
    @Body() dto: UpdateKnowledgeDto,
  ) {
    return this.groups.update({ userId: principal.userId, request }, organizationId, id, dto);
  }

  @Delete(':groupEntryId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove a group entry and every property's copy" })
  @ApiNoContentResponse()
  async remove(
    @Param('organizationId', UuidParam) organizationId: string,
    @Param('groupEntryId', UuidParam) id: string,
    @CurrentPrincipal() principal: Principal,
    @ReqInfo() request: RequestInfo,
  ): Promise<void> {
    await this.groups.remove({ userId: principal.userId, request }, organizationId, id);
  }
}
