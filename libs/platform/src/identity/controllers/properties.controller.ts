import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Audited } from '../../audit/audited.decorator';
import { CurrentPrincipal, RequirePermissions } from '../../auth/decorators';
import { Permission } from '../../auth/permissions';
import { ApiProblems } from '../../errors/api-problems.decorator';
import { CurrentAccess } from '../../tenancy/current-access.decorator';
import { ReqInfo } from '../../tenancy/request-info.decorator';
import { type Principal, type PropertyAccess, type RequestInfo } from '../../tenancy/tenant-context';
import { UuidParam } from '../../validation/uuid-param.pipe';
import { CreatePropertyDto, PropertyDto, UpdatePropertyDto } from '../dtos/property.dto';
import { PropertiesService } from '../services/properties.service';

@ApiTags('properties')
@ApiProblems(400, 401, 403, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties', version: '1' })
export class PropertiesController {
  constructor(private readonly properties: PropertiesService) {}

  @Get()
  @ApiOperation({ summary: 'Properties you can reach, with your roles in each' })
  @ApiOkResponse({ type: [PropertyDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<PropertyDto[]> {
    return this.properties.list(principal.userId);
  }

  @Post()
  @ApiOperation({ summary: 'Add a property to your organization (owners and admins)' })
  @ApiCreatedResponse({ type: PropertyDto })
  @ApiConflictResponse({ description: 'property_code_taken' })
  @ApiForbiddenResponse({ description: 'not an organization owner or admin' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreatePropertyDto,
    @ReqInfo() req: RequestInfo,
  ): Promise<PropertyDto> {
    return this.properties.create(principal.userId, dto, req);
  }

  @Get(':propertyId')
  @RequirePermissions(Permission.PropertyRead)
  @ApiOperation({ summary: 'One property with its effective settings' })
  @ApiOkResponse({ type: PropertyDto })
  @ApiForbiddenResponse({ description: 'property_forbidden' })
  get(
    @Param('propertyId', UuidParam) _propertyId: string,
    @CurrentAccess() access: PropertyAccess,
  ): Promise<PropertyDto> {
    return this.properties.get(access);
  }

  @Patch(':propertyId')
  @RequirePermissions(Permission.PropertySettingsUpdate)
  @Audited('property.update', 'property', 'propertyId')
  @ApiOperation({ summary: 'Update a property: managers may change settings, owners and admins everything' })
  @ApiOkResponse({ type: PropertyDto })
  update(
    @Param('propertyId', UuidParam) _propertyId: string,
    @CurrentAccess() access: PropertyAccess,
    @Body() dto: UpdatePropertyDto,
  ): Promise<PropertyDto> {
    return this.properties.update(access, dto);
  }
}
