import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';

import { AuthController, MeController } from '../auth/auth.controller';
import { AuthService } from '../auth/auth.service';
import { JwtStrategy } from '../auth/jwt.strategy';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { LoginRateLimiter } from '../auth/login-rate-limiter';
import { MeService } from '../auth/me.service';
import { PasswordService } from '../auth/password.service';
import { TokenService } from '../auth/token.service';
import { PropertyAccessGuard } from '../tenancy/property-access.guard';
import { PropertyRequestInterceptor } from '../tenancy/property-request.interceptor';
import { PropertiesController } from './controllers/properties.controller';
import { StaffController } from './controllers/staff.controller';
import { PropertiesService } from './services/properties.service';
import { StaffService } from './services/staff.service';

/**
 * Organizations, properties, staff and authentication, plus the global guards (JWT, then
 * property access) and the property-request interceptor (one transaction + audit per request).
 */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController, MeController, PropertiesController, StaffController],
  providers: [
    PasswordService,
    TokenService,
    LoginRateLimiter,
    JwtStrategy,
    AuthService,
    MeService,
    PropertiesService,
    StaffService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PropertyAccessGuard },
    { provide: APP_INTERCEPTOR, useClass: PropertyRequestInterceptor },
  ],
})
export class IdentityModule {}
