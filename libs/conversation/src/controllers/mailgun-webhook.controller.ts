import { ApiProblems, Public } from '@app/platform';
import { Controller, HttpCode, HttpStatus, Post, Req, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { InvalidWebhookException } from '../exceptions/conversation.exceptions';
import { type MediaItem } from '../repositories/messages.repository';
import { type MailgunForm, MailgunInboundService } from '../services/mailgun-inbound.service';

const LIMITS = { fields: 80, fieldSize: 10 * 1024 * 1024, files: 20, fileSize: 25 * 1024 * 1024, parts: 100 };

/** Mailgun inbound routes forward guest emails here (form-encoded, or multipart with attachments). */
@ApiTags('webhooks')
@ApiProblems(400, 401, 403, 404, 503)
@Controller({ path: 'webhooks/email', version: VERSION_NEUTRAL })
export class MailgunWebhookController {
  constructor(private readonly inbound: MailgunInboundService) {}

  @Post('mailgun')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'An inbound email (Mailgun route, forward action)',
    description:
      'Signature = HMAC-SHA256(signing key, timestamp + token); missing → 401, wrong, more than 300 s off ' +
      'or a token seen before → 403, unknown recipient → 404; nothing stored. Attachments are recorded ' +
      '(name, type, size), not kept.',
  })
  @ApiConsumes('multipart/form-data', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ description: '{ "status": "stored" | "duplicate" }' })
  async receive(@Req() request: FastifyRequest): Promise<{ status: string }> {
    const { duplicate } = await this.inbound.receive(await readForm(request));
    return { status: duplicate ? 'duplicate' : 'stored' };
  }
}

async function readForm(request: FastifyRequest): Promise<MailgunForm> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return {
      fields: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])),
      attachments: [],
    };
  }
  const form: MailgunForm = { fields: {}, attachments: [] };
  try {
    for await (const part of request.parts({ limits: LIMITS })) {
      if (part.type === 'field') {
        form.fields[part.fieldname] = String(part.value);
        continue;
      }
      let size = 0;
      for await (const chunk of part.file) size += (chunk as Buffer).length;
      const item: MediaItem = {
        type: 'document',
        url: `attachment:${part.filename}`,
        mimeType: part.mimetype,
        size,
      };
      form.attachments.push(item);
    }
  } catch (err) {
    throw new InvalidWebhookException(`The form could not be read: ${(err as Error).message}`);
  }
  return form;
}
