import { Controller, Get, Res, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';

import { Public } from '../auth/decorators';
import { DatabaseHealth } from '../database/database-health';
import { RedisService } from '../redis/redis.service';
import { Readiness } from './readiness';

class HealthChecksDto {
  @ApiProperty({ enum: ['up', 'down'] }) database: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) redis: 'up' | 'down';
}

class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable', 'draining'] }) status: string;
  @ApiProperty({ type: HealthChecksDto, required: false }) checks?: HealthChecksDto;
}

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly redis: RedisService,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependencies checked)' })
  @ApiOkResponse({ type: HealthDto })
  live(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis reachable, not shutting down' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const [db, redis] = await Promise.all([this.database.ping(), this.redis.ping()]);
    const checks: HealthChecksDto = { database: db ? 'up' : 'down', redis: redis ? 'up' : 'down' };
    const status = this.readiness.isDraining ? 'draining' : db && redis ? 'ok' : 'unavailable';
    void reply.status(status === 'ok' ? 200 : 503);
    return { status, checks };
  }
}
