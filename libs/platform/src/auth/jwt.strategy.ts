import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { AppConfig } from '../config/app-config';
import { isUuid } from '../database/uuid';
import { UnauthorizedException } from '../errors/app-exception';
import { SessionsRepository } from '../identity/repositories/sessions.repository';
import { type Principal } from '../tenancy/tenant-context';
import { JWT_ALGORITHM } from './token.service';

interface VerifiedClaims {
  sub?: unknown;
  sid?: unknown;
  typ?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * Verifies access tokens: the algorithm is pinned (no `none`, no RS/HS confusion), issuer and
 * audience must match, `exp` is required, and the token's session must still be live (logout,
 * refresh-reuse and deactivation all end it at once).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: [JWT_ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: VerifiedClaims): Promise<Principal> {
    const { sub, sid, typ, iat, exp } = claims;
    if (
      typ !== 'access' ||
      !isUuid(sub) ||
      !isUuid(sid) ||
      typeof exp !== 'number' ||
      typeof iat !== 'number'
    ) {
      throw new UnauthorizedException('The access token is not valid.', 'token_invalid');
    }
    if (!(await this.sessions.isSessionLive(sub, sid))) {
      throw new UnauthorizedException('The session has ended; sign in again.', 'session_ended');
    }
    return { userId: sub, sessionId: sid, expiresAt: exp * 1000 };
  }
}
