import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ClsService } from 'nestjs-cls';

import { AppException, UnauthorizedException } from '../errors/app-exception';
import { type Principal } from '../tenancy/tenant-context';
import { IS_PUBLIC } from './decorators';

/** Global guard: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<T = Principal>(err: unknown, user: T | false, info: unknown): T {
    if (err instanceof AppException) throw err;
    // An infrastructure failure (database down) surfaces as 503, not as a misleading 401.
    if (err) throw err instanceof Error ? err : new Error('authentication failed');
    if (!user) {
      const expired = info instanceof Error && info.name === 'TokenExpiredError';
      throw new UnauthorizedException(
        expired ? 'The access token has expired.' : 'A valid access token is required.',
        expired ? 'token_expired' : 'token_invalid',
      );
    }
    if (this.cls.isActive()) this.cls.set('principal', user);
    return user;
  }
}
