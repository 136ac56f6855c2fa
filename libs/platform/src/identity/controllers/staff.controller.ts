import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Audited } from '../../audit/audited.decorator';
import { RequirePermissions } from '../../auth/decorators';
import { Permission } from '../../auth/permissions';
import { ApiProblems } from '../../errors/api-problems.decorator';
import { CurrentAccess } from '../../tenancy/current-access.decorator';
import { type PropertyAccess } from '../../tenancy/tenant-context';
import { UuidParam } from '../../validation/uuid-param.pipe';
import { InviteStaffDto, StaffMemberDto, UpdateStaffDto } from '../dtos/staff.dto';
import { StaffService } from '../services/staff.service';

@ApiTags('staff')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/staff', version: '1' })
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @RequirePermissions(Permission.StaffRead)
  @ApiOperation({ summary: 'Everyone with access to the property (org-wide roles included)' })
  @ApiOkResponse({ type: [StaffMemberDto] })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() access: PropertyAccess,
  ): Promise<StaffMemberDto[]> {
    return this.staff.list(access);
  }

  @Post()
  @RequirePermissions(Permission.StaffWrite)
  @Audited('staff.invite', 'user')
  @ApiOperation({ summary: 'Give a user a role in this property, creating the account if the email is new' })
  @ApiCreatedResponse({ type: StaffMemberDto })
  @ApiConflictResponse({ description: 'already_member' })
  invite(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: InviteStaffDto,
  ): Promise<StaffMemberDto> {
    return this.staff.invite(access, dto);
  }

  @Patch(':userId')
  @RequirePermissions(Permission.StaffWrite)
  @Audited('staff.update', 'user', 'userId')
  @ApiOperation({ summary: "Change a member's role, department or active state" })
  @ApiOkResponse({ type: StaffMemberDto })
  @ApiNotFoundResponse({ description: 'staff_not_found' })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('userId', UuidParam) userId: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: UpdateStaffDto,
  ): Promise<StaffMemberDto> {
    return this.staff.update(access, userId, dto);
  }
}
