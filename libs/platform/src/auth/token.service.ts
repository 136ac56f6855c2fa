import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { AppConfig } from '../config/app-config';
import { constantTimeEqual } from '../crypto/constant-time';
import { isUuid } from '../database/uuid';

export const JWT_ALGORITHM = 'HS256' as const;

export interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

export interface RefreshSecret {
  /** Goes to the client once, as `<token id>.<secret>`; only its SHA-256 is stored. */
  secret: string;
  hash: Buffer;
}

/** Signs access tokens (pinned HS256, iss/aud, short expiry) and mints opaque refresh tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  signAccess(userId: string, sessionId: string): string {
    const claims: AccessClaims = { sub: userId, sid: sessionId, typ: 'access' };
    return this.jwt.sign(claims, {
      algorithm: JWT_ALGORITHM,
      secret: this.config.JWT_SECRET,
      issuer: this.config.JWT_ISSUER,
      audience: this.config.JWT_AUDIENCE,
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
      jwtid: randomUUID(),
    });
  }

  newRefreshSecret(): RefreshSecret {
    const secret = randomBytes(32).toString('base64url');
    return { secret, hash: sha256(secret) };
  }

  formatRefreshToken(id: string, secret: string): string {
    return `${id}.${secret}`;
  }

  /** Splits `<id>.<secret>`; returns undefined for anything malformed. */
  parseRefreshToken(token: string): { id: string; secretHash: Buffer } | undefined {
    const match = /^([^.]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match || !isUuid(match[1])) return undefined;
    return { id: match[1], secretHash: sha256(match[2]) };
  }

  sameHash(a: Buffer, b: Buffer): boolean {
    return constantTimeEqual(a, b);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
