import { Injectable } from '@nestjs/common';

import { AuditRecorder } from '../../audit/audit-recorder';
import { hasPermission, Permission } from '../../auth/permissions';
import { uniqueViolation } from '../../auth/unique-violation';
import { PlatformDb } from '../../database/platform-db.service';
import { TenantDb } from '../../database/tenant-db.service';
import { ConflictException, ForbiddenException, ValidationFailedException } from '../../errors/app-exception';
import { OutboxService } from '../../outbox/outbox.service';
import { type PropertyAccess, type RequestInfo } from '../../tenancy/tenant-context';
import { type CreatePropertyDto, type PropertyDto, type UpdatePropertyDto } from '../dtos/property.dto';
import { defaultPropertySettings, mergeSettings, withDefaults } from '../property-settings';
import { MembershipsRepository } from '../repositories/memberships.repository';
import { PropertiesRepository, type PropertyRow } from '../repositories/properties.repository';

@Injectable()
export class PropertiesService {
  constructor(
    private readonly properties: PropertiesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly platformDb: PlatformDb,
    private readonly tenantDb: TenantDb,
    private readonly audit: AuditRecorder,
    private readonly outbox: OutboxService,
  ) {}

  async list(userId: string): Promise<PropertyDto[]> {
    const rows = await this.properties.listAccessible(userId);
    return rows.map((row) => toDto(row, row.roles));
  }

  /** Organization owners and admins add properties to their organization. */
  async create(userId: string, dto: CreatePropertyDto, req: RequestInfo): Promise<PropertyDto> {
    const orgRoles = await this.memberships.organizationRoles(userId);
    const candidates = dto.organizationId
      ? orgRoles.filter((m) => m.organization_id === dto.organizationId)
      : orgRoles;
    if (candidates.length === 0) {
      throw new ForbiddenException('Only organization owners and admins can add properties.');
    }
    if (candidates.length > 1) {
      throw new ValidationFailedException([
        {
          field: 'organizationId',
          code: 'isDefined',
          message: 'organizationId is required: you administer several organizations',
        },
      ]);
    }
    const organizationId = candidates[0].organization_id;
    const settings = mergeSettings(
      defaultPropertySettings(dto.name) as unknown as Record<string, unknown>,
      (dto.settings ?? {}) as Record<string, unknown>,
    );
    const row = await this.platformDb
      .transaction(async (tx) => {
        const property = await this.properties.insert(tx, {
          organizationId,
          name: dto.name,
          code: dto.code,
          timezone: dto.timezone,
          settings,
        });
        await this.tenantDb.within(tx, { propertyId: property.id, userId }, async (em) => {
          await this.audit.record(
            {
              actorType: 'staff',
              actorId: userId,
              action: 'property.create',
              resourceType: 'property',
              resourceId: property.id,
              ip: req.ip,
              userAgent: req.userAgent,
              correlationId: req.correlationId,
            },
            em,
          );
          await this.outbox.publishEvent('property.created', { propertyId: property.id, organizationId });
        });
        return property;
      })
      .catch((err: unknown) => {
        if (uniqueViolation(err, 'properties_code_key'))
          throw new ConflictException('property_code_taken', 'That property code is taken.');
        throw err;
      });
    return toDto(
      row,
      candidates.map((c) => c.role),
    );
  }

  async get(access: PropertyAccess): Promise<PropertyDto> {
    const row = await this.properties.findById(access.propertyId);
    return toDto(row!, access.roles);
  }

  /** Owners/admins may change anything; managers only the settings. */
  async update(access: PropertyAccess, dto: UpdatePropertyDto): Promise<PropertyDto> {
    if (
      (dto.name !== undefined || dto.timezone !== undefined) &&
      !hasPermission(access.roles, Permission.PropertyUpdate)
    ) {
      throw new ForbiddenException(
        'Only organization owners and admins can rename a property or change its time zone.',
      );
    }
    const current = await this.properties.findById(access.propertyId);
    const settings = dto.settings
      ? mergeSettings(current!.settings, dto.settings as Record<string, unknown>)
      : undefined;
    const row = await this.properties.update(access.propertyId, {
      name: dto.name,
      timezone: dto.timezone,
      settings,
    });
    return toDto(row, access.roles);
  }
}

function toDto(row: PropertyRow, roles: string[]): PropertyDto {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    code: row.code,
    timezone: row.timezone,
    settings: withDefaults(row.name, row.settings) as unknown as Record<string, unknown>,
    roles,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
