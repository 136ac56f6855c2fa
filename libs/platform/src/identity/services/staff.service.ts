import { Injectable } from '@nestjs/common';

import { PasswordService } from '../../auth/password.service';
import { uniqueViolation } from '../../auth/unique-violation';
import { PlatformDb } from '../../database/platform-db.service';
import { type SqlRunner } from '../../database/sql-runner';
import { ConflictException, NotFoundException, ValidationFailedException } from '../../errors/app-exception';
import { type PropertyAccess } from '../../tenancy/tenant-context';
import { type InviteStaffDto, type StaffMemberDto, type UpdateStaffDto } from '../dtos/staff.dto';
import { MembershipsRepository, type StaffRow } from '../repositories/memberships.repository';
import { SessionsRepository } from '../repositories/sessions.repository';
import { UsersRepository } from '../repositories/users.repository';

@Injectable()
export class StaffService {
  constructor(
    private readonly platformDb: PlatformDb,
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordService,
  ) {}

  async list(access: PropertyAccess): Promise<StaffMemberDto[]> {
    return (await this.memberships.listStaff(access.propertyId)).map(toDto);
  }

  /**
   * Gives a user a role in this property. A new email gets an account with the given password;
   * an existing account may be added only when it already works for this organization (nobody
   * can pull another organization's staff into theirs). Organization owners and admins already
   * reach every property and are not managed here.
   */
  async invite(access: PropertyAccess, dto: InviteStaffDto): Promise<StaffMemberDto & { id: string }> {
    const existing = await this.users.findByEmail(dto.email);
    if (existing) {
      await this.assertManageable(access, existing.id);
      if (dto.password) {
        throw new ValidationFailedException([
          {
            field: 'password',
            code: 'notAllowed',
            message: 'password cannot be set for an existing account',
          },
        ]);
      }
    } else if (!dto.password) {
      throw new ValidationFailedException([
        { field: 'password', code: 'isDefined', message: 'password is required for a new account' },
      ]);
    }
    const passwordHash = existing ? undefined : await this.passwords.hash(dto.password!);
    const user = await this.platformDb
      .transaction(async (tx) => {
        const member =
          existing ??
          (await this.users.insert(tx, { email: dto.email, name: dto.name, passwordHash: passwordHash! }));
        await this.memberships.insert(tx, {
          userId: member.id,
          organizationId: access.organizationId,
          propertyId: access.propertyId,
          role: dto.role,
          department: dto.department ?? null,
        });
        return member;
      })
      .catch((err: unknown) => {
        if (uniqueViolation(err, 'memberships_property_key')) {
          throw new ConflictException('already_member', 'This user already belongs to the property.');
        }
        if (uniqueViolation(err, 'users_email_key')) {
          throw new ConflictException('email_taken', 'That email already has an account.');
        }
        throw err;
      });
    return {
      id: user.id,
      userId: user.id,
      email: user.email,
      name: user.name,
      role: dto.role,
      department: dto.department ?? null,
      active: user.is_active,
      scope: 'property',
    };
  }

  /**
   * Changes role, department or active state. Deactivation ends the membership at once and
   * revokes the user's refresh tokens (their accounts never span organizations, see invite).
   */
  async update(
    access: PropertyAccess,
    userId: string,
    dto: UpdateStaffDto,
  ): Promise<StaffMemberDto & { id: string }> {
    if (userId === access.userId) {
      throw new ConflictException('cannot_modify_self', 'You cannot change your own membership.');
    }
    return this.platformDb.transaction(async (tx) => {
      const membership = await this.memberships.findPropertyMembership(access.propertyId, userId, tx);
      if (!membership) throw new NotFoundException('Staff member', 'staff_not_found');
      await this.assertManageable(access, userId, tx);
      const updated = await this.memberships.update(tx, membership.id, {
        role: dto.role,
        department: dto.department,
        isActive: dto.active,
      });
      if (dto.active === false) await this.sessions.revokeAllForUser(userId, 'deactivated', tx);
      const user = await this.users.findById(userId, tx);
      return {
        id: userId,
        userId,
        email: user!.email,
        name: user!.name,
        role: updated.role,
        department: updated.department,
        active: updated.is_active && user!.is_active,
        scope: 'property' as const,
      };
    });
  }

  /** Refuses accounts that belong to another organization or administer this one. */
  private async assertManageable(access: PropertyAccess, userId: string, tx?: SqlRunner): Promise<void> {
    const memberships = await this.memberships.allForUser(userId, tx);
    if (memberships.some((m) => m.organization_id !== access.organizationId)) {
      throw new ConflictException(
        'account_in_other_organization',
        'That email belongs to an account of another organization; it cannot be added here.',
      );
    }
    if (memberships.some((m) => m.property_id === null)) {
      throw new ConflictException(
        'organization_administrator',
        'Organization owners and admins already reach every property and are managed at the organization level.',
      );
    }
  }
}

function toDto(row: StaffRow): StaffMemberDto {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    department: row.department,
    active: row.is_active,
    scope: row.scope,
  };
}
