import { Injectable, Logger } from '@nestjs/common';

import { AuditRecorder } from '../audit/audit-recorder';
import { AppConfig } from '../config/app-config';
import { PlatformDb } from '../database/platform-db.service';
import { type SqlRunner } from '../database/sql-runner';
import { TenantDb } from '../database/tenant-db.service';
import { ConflictException, UnauthorizedException } from '../errors/app-exception';
import { defaultPropertySettings } from '../identity/property-settings';
import { MembershipsRepository } from '../identity/repositories/memberships.repository';
import { PropertiesRepository } from '../identity/repositories/properties.repository';
import { SessionsRepository } from '../identity/repositories/sessions.repository';
import { type UserRow, UsersRepository } from '../identity/repositories/users.repository';
import { OutboxService } from '../outbox/outbox.service';
import { type RequestInfo } from '../tenancy/tenant-context';
import { type LoginDto, type SignupDto, type SignupResponseDto, type TokenPairDto } from './dtos/auth.dto';
import { LoginRateLimiter } from './login-rate-limiter';
import { PasswordService } from './password.service';
import { TokenService } from './token.service';
import { uniqueViolation } from './unique-violation';

const BAD_CREDENTIALS = 'The email or password is incorrect.';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly platformDb: PlatformDb,
    private readonly tenantDb: TenantDb,
    private readonly users: UsersRepository,
    private readonly properties: PropertiesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditRecorder,
    private readonly outbox: OutboxService,
  ) {}

  async signup(dto: SignupDto, req: RequestInfo): Promise<SignupResponseDto> {
    const passwordHash = await this.passwords.hash(dto.owner.password);
    const created = await this.platformDb
      .transaction(async (tx) => {
        const organization = await this.properties.insertOrganization(tx, dto.organization.name);
        const property = await this.properties.insert(tx, {
          organizationId: organization.id,
          name: dto.property.name,
          code: dto.property.code,
          timezone: dto.property.timezone,
          settings: defaultPropertySettings(dto.property.name),
        });
        const user = await this.users.insert(tx, {
          email: dto.owner.email,
          name: dto.owner.name,
          passwordHash,
        });
        await this.memberships.insert(tx, {
          userId: user.id,
          organizationId: organization.id,
          propertyId: null,
          role: 'owner',
        });
        const tokens = await this.startSession(tx, user.id, req);
        await this.tenantDb.within(tx, { propertyId: property.id, userId: user.id }, async (em) => {
          await this.audit.record(
            this.entry('auth.signup', user.id, req, 'organization', organization.id),
            em,
          );
          await this.outbox.publishEvent('property.created', {
            propertyId: property.id,
            organizationId: organization.id,
          });
        });
        return { organization, property, user, tokens };
      })
      .catch((err: unknown) => {
        if (uniqueViolation(err, 'users_email_key'))
          throw new ConflictException('email_taken', 'That email already has an account.');
        if (uniqueViolation(err, 'properties_code_key'))
          throw new ConflictException('property_code_taken', 'That property code is taken.');
        throw err;
      });
    const { organization, property, user, tokens } = created;
    return {
      ...tokens,
      user: { id: user.id, email: user.email, name: user.name },
      organization: { id: organization.id, name: organization.name },
      property: {
        id: property.id,
        organizationId: property.organization_id,
        name: property.name,
        code: property.code,
        timezone: property.timezone,
      },
    };
  }

  async login(dto: LoginDto, req: RequestInfo): Promise<TokenPairDto> {
    await this.limiter.beforeAttempt(req.ip ?? 'unknown', dto.email);
    const user = await this.users.findByEmail(dto.email);
    const ok = user
      ? await this.passwords.verify(user.password_hash, dto.password)
      : await this.passwords.verifyAgainstDummy(dto.password);
    if (!user || !ok || !user.is_active) {
      await this.limiter.recordFailure(dto.email);
      if (user)
        await this.auditForUser(user, 'auth.login_failed', req, {
          reason: user.is_active ? 'bad_password' : 'inactive',
        });
      else this.logger.warn({ ip: req.ip }, 'login failed for an unknown email');
      throw new UnauthorizedException(BAD_CREDENTIALS, 'invalid_credentials');
    }
    await this.limiter.recordSuccess(dto.email);
    const tokens = await this.platformDb.transaction((tx) => this.startSession(tx, user.id, req));
    await this.users.touchLogin(user.id);
    await this.auditForUser(user, 'auth.login', req);
    return tokens;
  }

  async refresh(refreshToken: string, req: RequestInfo): Promise<TokenPairDto> {
    const parsed = this.tokens.parseRefreshToken(refreshToken);
    if (!parsed) throw new UnauthorizedException('The refresh token is not valid.', 'refresh_token_invalid');
    const outcome = await this.platformDb.transaction(async (tx) => {
      const row = await this.sessions.lock(tx, parsed.id);
      if (!row || !this.tokens.sameHash(row.token_hash, parsed.secretHash))
        return { kind: 'invalid' as const };
      if (row.revoked_at) return { kind: 'invalid' as const };
      if (row.rotated_at) {
        await this.sessions.revokeFamily(row.family_id, 'reuse_detected', tx);
        return { kind: 'reused' as const, userId: row.user_id, familyId: row.family_id };
      }
      if (row.expires_at.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await this.users.findById(row.user_id, tx);
      if (!user?.is_active) return { kind: 'invalid' as const };
      await this.sessions.markRotated(tx, row.id);
      return { kind: 'ok' as const, tokens: await this.startSession(tx, row.user_id, req, row.family_id) };
    });
    if (outcome.kind === 'ok') return outcome.tokens;
    if (outcome.kind === 'reused') {
      const user = await this.users.findById(outcome.userId);
      if (user) await this.auditForUser(user, 'auth.refresh_reuse', req, { familyId: outcome.familyId });
      throw new UnauthorizedException(
        'This refresh token was already used; the session was revoked.',
        'refresh_token_reused',
      );
    }
    throw new UnauthorizedException('The refresh token is not valid.', 'refresh_token_invalid');
  }

  async logout(userId: string, sessionId: string, req: RequestInfo): Promise<void> {
    await this.sessions.revokeFamily(sessionId, 'logout');
    const user = await this.users.findById(userId);
    if (user) await this.auditForUser(user, 'auth.logout', req);
  }

  /** Issues a token pair; a new family (session) unless continuing one on refresh. */
  private async startSession(
    tx: SqlRunner,
    userId: string,
    req: RequestInfo,
    familyId: string | null = null,
  ): Promise<TokenPairDto> {
    const refresh = this.tokens.newRefreshSecret();
    const stored = await this.sessions.insert(tx, {
      familyId,
      userId,
      hash: refresh.hash,
      ttlDays: this.config.REFRESH_TOKEN_TTL_DAYS,
      ip: req.ip,
      userAgent: req.userAgent,
    });
    return {
      accessToken: this.tokens.signAccess(userId, stored.family_id),
      refreshToken: this.tokens.formatRefreshToken(stored.id, refresh.secret),
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
      tokenType: 'Bearer',
    };
  }

  /** Auth events belong to every property the user works in. */
  private async auditForUser(
    user: UserRow,
    action: string,
    req: RequestInfo,
    details?: Record<string, unknown>,
  ) {
    const properties = await this.properties.listAccessible(user.id);
    await this.audit.recordInProperties(
      properties.map((p) => p.id),
      this.entry(action, user.id, req, 'user', user.id, details),
    );
  }

  private entry(
    action: string,
    actorId: string,
    req: RequestInfo,
    resourceType: string,
    resourceId: string,
    details?: Record<string, unknown>,
  ) {
    return {
      actorType: 'staff' as const,
      actorId,
      action,
      resourceType,
      resourceId,
      details,
      ip: req.ip,
      userAgent: req.userAgent,
      correlationId: req.correlationId,
    };
  }
}
