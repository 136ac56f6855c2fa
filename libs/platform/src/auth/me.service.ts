import { Injectable } from '@nestjs/common';

import { UnauthorizedException } from '../errors/app-exception';
import { MembershipsRepository } from '../identity/repositories/memberships.repository';
import { PropertiesRepository } from '../identity/repositories/properties.repository';
import { UsersRepository } from '../identity/repositories/users.repository';
import { type MeDto } from './dtos/auth.dto';

@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly properties: PropertiesRepository,
  ) {}

  async get(userId: string): Promise<MeDto> {
    const user = await this.users.findById(userId);
    if (!user?.is_active) throw new UnauthorizedException();
    const [memberships, properties] = await Promise.all([
      this.memberships.listForUser(userId),
      this.properties.listAccessible(userId),
    ]);
    return {
      user: { id: user.id, email: user.email, name: user.name },
      memberships: memberships.map((m) => ({
        organizationId: m.organization_id,
        propertyId: m.property_id,
        role: m.role,
        department: m.department,
      })),
      properties: properties.map((p) => ({
        id: p.id,
        organizationId: p.organization_id,
        name: p.name,
        code: p.code,
        timezone: p.timezone,
        roles: p.roles,
      })),
    };
  }
}
