import { ApiProblems, Public } from '@app/platform';
import {
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  type RawBodyRequest,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { WhatsAppInboundService } from '../services/whatsapp-inbound.service';

/** Meta posts WhatsApp Cloud API notifications here (one callback URL per app). */
@ApiTags('webhooks')
@ApiProblems(400, 401, 403, 404, 503)
@Controller({ path: 'webhooks/whatsapp', version: VERSION_NEUTRAL })
export class WhatsAppWebhookController {
  constructor(private readonly inbound: WhatsAppInboundService) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: "Meta's subscription check: echoes hub.challenge for a known verify token" })
  @ApiOkResponse({ description: 'The challenge, as text.' })
  verify(
    @Query('hub.mode') mode: string | undefined,
    @Query('hub.verify_token') token: string | undefined,
    @Query('hub.challenge') challenge: string | undefined,
  ): Promise<string> {
    return this.inbound.verify(mode, token, challenge);
  }

  @Post()
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Messages and delivery statuses (WhatsApp Cloud API)',
    description:
      'X-Hub-Signature-256 (HMAC-SHA256 of the raw body, app secret) is checked for every account the batch ' +
      'names; missing → 401, wrong → 403, unknown phone number id → 404, and nothing of the batch is stored.',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true })
  async receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<{ received: number }> {
    return { received: await this.inbound.receive(request.rawBody, signature, request.body) };
  }
}
