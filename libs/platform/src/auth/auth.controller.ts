import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

import { ApiProblems } from '../errors/api-problems.decorator';
import { ReqInfo } from '../tenancy/request-info.decorator';
import { type Principal, type RequestInfo } from '../tenancy/tenant-context';
import { AuthService } from './auth.service';
import { CurrentPrincipal, Public } from './decorators';
import { LoginDto, MeDto, RefreshDto, SignupDto, SignupResponseDto, TokenPairDto } from './dtos/auth.dto';
import { MeService } from './me.service';

@ApiTags('auth')
@ApiProblems(400, 401, 409, 429, 503)
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('signup')
  @ApiOperation({ summary: 'Create an organization, its first property and the owner account' })
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiConflictResponse({ description: 'email_taken or property_code_taken' })
  signup(@Body() dto: SignupDto, @ReqInfo() req: RequestInfo): Promise<SignupResponseDto> {
    return this.auth.signup(dto, req);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange email and password for tokens' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'invalid_credentials (never says which part was wrong)' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited, with Retry-After' })
  login(@Body() dto: LoginDto, @ReqInfo() req: RequestInfo): Promise<TokenPairDto> {
    return this.auth.login(dto, req);
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Rotate a refresh token; reusing an old one revokes the whole session' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'refresh_token_invalid or refresh_token_reused' })
  refresh(@Body() dto: RefreshDto, @ReqInfo() req: RequestInfo): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, req);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session: revokes its refresh tokens; its access tokens stop working' })
  @ApiNoContentResponse()
  async logout(@CurrentPrincipal() principal: Principal, @ReqInfo() req: RequestInfo): Promise<void> {
    await this.auth.logout(principal.userId, principal.sessionId, req);
  }
}

@ApiTags('auth')
@ApiProblems(401, 503)
@ApiBearerAuth()
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user, their memberships and the properties they can reach' })
  @ApiOkResponse({ type: MeDto })
  get(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.me.get(principal.userId);
  }
}
