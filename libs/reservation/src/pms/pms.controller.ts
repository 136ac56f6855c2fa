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

import { PmsImportReportDto, PmsImportRowDto, PmsWebhookSecretDto, PmsWebhookSettingsDto } from './pms.dto';
import {
  ImportFileException,
  UnsupportedImportException,
  WebhookNotConfiguredException,
} from './pms.exceptions';
import { PmsImportService } from './pms-import.service';
import { PmsWebhookService } from './pms-webhook.service';

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
  @BodyLimit('PMS_IMPORT_MAX_BYTES')
  @ApiOperation({
    summary: 'Bulk upsert guests and reservations from a PMS export',
    description:
      'A JSON array of rows, or a CSV file sent as multipart/form-data (field `file`) whose header names ' +
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
  async import(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Req() request: FastifyRequest,
  ): Promise<PmsImportReportDto> {
    if (request.isMultipart()) {
      const upload = await request.file().catch((err: unknown) => {
        throw uploadProblem(err);
      });
      if (!upload) throw new ImportFileException('Attach the CSV file as the multipart field "file".');
      return this.imports.importCsv(a, upload.file).catch((err: unknown) => {
        throw uploadProblem(err);
      });
    }
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
      throw new UnsupportedImportException();
    return this.imports.importJson(a, request.body);
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

/** Multipart limits (file size, parts) surface as Fastify errors: answer them as problems. */
function uploadProblem(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new ImportFileException('The file is larger than the upload limit.', 413);
  if (typeof code === 'string' && code.startsWith('FST_'))
    return new ImportFileException(`The upload could not be read: ${(err as Error).message}`);
  return err;
}
