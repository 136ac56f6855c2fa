import {
  ApiProblems,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AuditLogPageDto, AuditLogQueryDto } from '../dtos/audit-log.dto';
import { AuditLogService } from '../services/audit-log.service';

@ApiTags('audit')
@ApiProblems(400, 401, 403, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/audit-log', version: '1' })
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @RequirePermissions(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit trail of the property (owners, admins, managers), newest first' })
  @ApiOkResponse({ type: AuditLogPageDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() access: PropertyAccess,
    @Query() query: AuditLogQueryDto,
  ): Promise<AuditLogPageDto> {
    return this.auditLog.list(access, query);
  }
}
