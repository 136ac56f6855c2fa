import { createParamDecorator } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';

import { TenantContextMissingError } from '../errors/app-exception';
import { type PropertyAccess } from './tenant-context';

/** The caller's access to the route's property, as PropertyAccessGuard stored it. */
export const CurrentAccess = createParamDecorator((): PropertyAccess => {
  const access = ClsServiceManager.getClsService().get<PropertyAccess | undefined>('access');
  if (!access) throw new TenantContextMissingError('Route has no property access context');
  return access;
});
