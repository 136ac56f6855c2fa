import { ApiProblems, Public } from '@app/platform';
import {
  Body,
  Controller,
  Header,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { TwilioInboundService, type TwilioParams } from '../services/twilio-inbound.service';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio posts here for SMS and WhatsApp numbers registered as channel accounts. */
@ApiTags('webhooks')
@ApiProblems(400, 401, 403, 404, 503)
@Controller({ path: 'webhooks/twilio', version: VERSION_NEUTRAL })
export class TwilioWebhookController {
  constructor(private readonly inbound: TwilioInboundService) {}

  @Post('messages')
  @Public()
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @ApiOperation({
    summary: 'Incoming SMS or WhatsApp message (Twilio)',
    description:
      'Form-encoded as Twilio sends it. X-Twilio-Signature is checked against PUBLIC_BASE_URL + the path ' +
      'with the account auth token; missing → 401, wrong → 403, unknown number → 404, nothing stored. A ' +
      'MessageSid already received answers 200 again without a second message.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true })
  @ApiOkResponse({ description: 'An empty TwiML response.' })
  async messages(
    @Req() request: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() params: TwilioParams,
  ): Promise<string> {
    await this.inbound.receive(request.url, params ?? {}, signature);
    return EMPTY_TWIML;
  }

  @Post('status')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delivery status of a message we sent (Twilio StatusCallback)',
    description:
      'Signed like incoming messages. Statuses only move forward (sent < delivered < read); failed wins.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true })
  async status(
    @Req() request: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() params: TwilioParams,
  ): Promise<void> {
    await this.inbound.receiveStatus(request.url, params ?? {}, signature);
  }
}
