import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';

import { REQUIRED_PERMISSIONS } from '../auth/decorators';
import { hasPermission, type Permission } from '../auth/permissions';
import { assertUuid } from '../database/uuid';
import { ForbiddenException, PlatformErrorCode } from '../errors/app-exception';
import { MembershipsRepository } from '../identity/repositories/memberships.repository';
import { type Principal, type Role } from './tenant-context';

/**
 * Global guard for routes under /properties/:propertyId: the caller must hold an active role in
 * that property (directly, or org-wide as owner/admin), else 403 property_forbidden. Stores
 * { userId, propertyId, roles } in CLS and enforces @RequirePermissions.
 */
@Injectable()
export class PropertyAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly memberships: MembershipsRepository,
    private readonly cls: ClsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const required =
      this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const propertyId = params.propertyId;
    if (propertyId === undefined || !request.user) return required.length === 0;

    assertUuid(propertyId, 'propertyId');
    const rows = await this.memberships.accessFor(request.user.userId, propertyId);
    if (rows.length === 0) {
      throw new ForbiddenException(
        'You have no access to this property.',
        PlatformErrorCode.PropertyForbidden,
      );
    }
    const roles = [...new Set(rows.map((r) => r.role))] as Role[];
    const missing = required.filter((p) => !hasPermission(roles, p));
    if (missing.length > 0) {
      throw new ForbiddenException(`Your role lacks: ${missing.join(', ')}.`, PlatformErrorCode.Forbidden);
    }
    this.cls.set('access', {
      userId: request.user.userId,
      propertyId,
      organizationId: rows[0].organization_id,
      roles,
      department: rows.find((r) => r.department)?.department ?? null,
    });
    return true;
  }
}
