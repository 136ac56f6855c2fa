import { RouteConfig } from '@nestjs/platform-fastify';

import { type AppConfig } from '../config/app-config';

export const ROUTE_BODY_LIMIT = 'bodyLimitSetting';

type ByteSetting = { [K in keyof AppConfig]-?: AppConfig[K] extends number ? K : never }[keyof AppConfig];

/**
 * Gives one route (a bulk upload) the body limit held in a config setting instead of
 * BODY_LIMIT_BYTES; the api's onRoute hook applies it.
 */
export const BodyLimit = (setting: ByteSetting) => RouteConfig({ [ROUTE_BODY_LIMIT]: setting });

/** The body limit a route asked for, if any. */
export function routeBodyLimit(routeConfig: unknown, config: AppConfig): number | undefined {
  const setting = (routeConfig as Record<string, unknown> | undefined)?.[ROUTE_BODY_LIMIT];
  return typeof setting === 'string' && typeof config[setting as ByteSetting] === 'number'
    ? config[setting as ByteSetting]
    : undefined;
}
