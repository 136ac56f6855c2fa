import { ApiProblems, Public } from '@app/platform';
import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  type RawBodyRequest,
  Req,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { PmsWebhookAckDto, PmsWebhookEventDto } from '../dtos/pms.dto';
import { PmsWebhookService } from '../services/pms-webhook.service';

const DESCRIPTION =
  'Events in one normalized shape: `{ id, type, occurredAt, data: { guest?, reservation? } }` with ' +
  'type reservation.created | reservation.updated | reservation.cancelled | guest.checked_in | ' +
  'guest.checked_out | guest.updated, and records shaped like import rows. Sign the raw body: ' +
  '`X-Timestamp` = Unix seconds, `X-Signature` = `sha256=` + hex HMAC-SHA256 of `<X-Timestamp>.<body>` ' +
  "with the property's PMS secret. Timestamps more than 300 s off, missing or wrong signatures and " +
  'properties without a secret get 401 and nothing is stored. A redelivered event id answers 200 ' +
  '`duplicate` with no second effect; an update older than what we hold (by updatedAt) is skipped.';

/** The webhook for one property, addressed by its public code; served at /webhooks/pms/:code. */
@ApiTags('webhooks')
@ApiProblems(400, 401, 409, 413, 415, 422, 503)
@Controller({ path: 'webhooks/pms', version: VERSION_NEUTRAL })
export class PmsWebhookController {
  constructor(private readonly webhooks: PmsWebhookService) {}

  @Post(':propertyCode')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Receive a signed PMS event', description: DESCRIPTION })
  @ApiHeader({ name: 'X-Signature', required: true, description: 'sha256=<hex HMAC-SHA256>' })
  @ApiHeader({ name: 'X-Timestamp', required: true, description: 'Unix time in seconds' })
  @ApiBody({ type: PmsWebhookEventDto })
  @ApiOkResponse({ type: PmsWebhookAckDto })
  receive(
    @Param('propertyCode') propertyCode: string,
    @Headers('x-signature') signature: string | undefined,
    @Headers('x-timestamp') timestamp: string | undefined,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<PmsWebhookAckDto> {
    return this.webhooks.receive({
      propertyCode,
      signature,
      timestamp,
      rawBody: request.rawBody,
      body: request.body,
    });
  }
}
