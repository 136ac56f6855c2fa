import {
  ApiProblems,
  Audited,
  BodyLimit,
  CurrentAccess,
  OwnTransactions,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import {
  PmsImportReportDto,
  PmsImportRowDto,
  PmsWebhookSecretDto,
  PmsWebhookSettingsDto,
} from '../dtos/pms.dto';
import { WebhookNotConfiguredException } from '../exceptions/pms.exceptions';
import { PmsImportService } from '../services/pms-import.service';
import { PmsWebhookService } from '../services/pms-webhook.service';

@ApiTags('pms')
@ApiProblems(400, 401, 403, 404, 413, 415, 503)
@ApiBearerAuth()
@ApiExtraModels(PmsImportRowDto)
@Controller({ path: 'properties/:propertyId/pms', version: '1' })
export class PmsController {
  constructor(
    private readonly imports: PmsImportService,
    private readonly webhooks: PmsWebhookService,
  ) {}

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.PmsImport)
  @Audited('pms.import', 'property')
  @OwnTransactions()
  @BodyLimit('PMS_IMPORT_JSON_MAX_BYTES')
  @ApiOperation({
    summary: 'Bulk upsert guests and reservations from a PMS export',
    description:
      'A JSON array of rows (up to PMS_IMPORT_JSON_MAX_BYTES, 16 MiB by default), or a CSV file sent as ' +
      'multipart/form-data (field `file`, up to PMS_IMPORT_MAX_BYTES, 64 MiB) whose header names ' +
      'the fields. A row is flat (guestExternalId, firstName, …, reservationExternalId, roomType, ' +
      'arrivalDate, …, updatedAt) or nested ({ guest, reservation }). Rows are keyed by PMS ids, so ' +
      'importing the same file again changes nothing. At most 50,000 rows; written in batches of ' +
      '1,000; every rejected row is listed with its line and reason and never blocks the others.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(PmsImportRowDto) } },
        { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
      ],
    },
  })
  @ApiOkResponse({ type: PmsImportReportDto })
  import(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Req() request: FastifyRequest,
  ): Promise<PmsImportReportDto> {
    return request.isMultipart()
      ? this.imports.importUpload(a, request.parts())
      : this.imports.importJson(a, request.headers['content-type'] ?? '', request.body);
  }

  @Get('webhook')
  @RequirePermissions(Permission.IntegrationManage)
  @ApiOperation({ summary: 'Whether the PMS webhook is configured, and its URL path' })
  @ApiOkResponse({ type: PmsWebhookSettingsDto })
  settings(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: PropertyAccess) {
    return this.webhooks.settings(a);
  }

  @Post('webhook/secret')
  @RequirePermissions(Permission.IntegrationManage)
  @Audited('pms.webhook_secret.rotate', 'property')
  @ApiOperation({
    summary: 'Create or rotate the PMS webhook secret (shown once)',
    description: 'After a rotation the previous secret is still accepted for 24 hours.',
  })
  @ApiCreatedResponse({ type: PmsWebhookSecretDto })
  rotate(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: PropertyAccess) {
    return this.webhooks.rotateSecret(a);
  }

  @Delete('webhook/secret')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.IntegrationManage)
  @Audited('pms.webhook_secret.delete', 'property')
  @ApiOperation({ summary: 'Remove the PMS webhook secret (webhooks are then refused)' })
  @ApiNoContentResponse()
  async remove(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
  ): Promise<void> {
    if (!(await this.webhooks.removeSecret(a))) throw new WebhookNotConfiguredException();
  }
}
