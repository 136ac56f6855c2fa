import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type Principal } from '../tenancy/tenant-context';
import { type Permission } from './permissions';

export const IS_PUBLIC = 'butler:public';
export const REQUIRED_PERMISSIONS = 'butler:permissions';

/** The route needs no access token (signup, login, refresh, health, webhooks). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller needs every listed permission in the route's property. */
export const RequirePermissions = (...permissions: Permission[]) =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** The verified caller (set by the JWT guard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: Principal }>().user;
});
