import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ImportKnowledgeDto, ImportReportDto } from '../dtos/knowledge-import.dto';
import {
  AskAnswerDto,
  AskKnowledgeDto,
  KnowledgeHealthDto,
  KnowledgeSearchResultDto,
  ReindexResultDto,
  SearchKnowledgeDto,
} from '../dtos/knowledge-search.dto';
import { KnowledgeAskService } from '../services/knowledge-ask.service';
import { KnowledgeHealthService } from '../services/knowledge-health.service';
import { KnowledgeImportService } from '../services/knowledge-import.service';
import { KnowledgeReindexer } from '../services/knowledge-reindexer';
import { KnowledgeSearchService } from '../services/knowledge-search.service';

type P = PropertyAccess;

/** Search, ask, import, reindex and the health report of a property's knowledge. */
@ApiTags('knowledge')
@ApiProblems(400, 401, 403, 404, 413, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/knowledge', version: '1' })
export class KnowledgeRetrievalController {
  constructor(
    private readonly search: KnowledgeSearchService,
    private readonly asker: KnowledgeAskService,
    private readonly importer: KnowledgeImportService,
    private readonly health: KnowledgeHealthService,
    private readonly reindexer: KnowledgeReindexer,
  ) {}

  @Post('search')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({
    summary: 'Hybrid search (vector + full text, fused by reciprocal rank) over active, valid entries',
  })
  @ApiOkResponse({ type: KnowledgeSearchResultDto })
  find(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Body() dto: SearchKnowledgeDto) {
    return this.search.query(a, { ...dto, limit: dto.limit ?? 5 });
  }

  @Post('ask')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({ summary: 'Ask the butler: the answer the concierge would give, with its sources' })
  @ApiOkResponse({ type: AskAnswerDto })
  ask(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Body() dto: AskKnowledgeDto) {
    return this.asker.ask(a, dto);
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.import', 'knowledge_entry')
  @ApiOperation({
    summary: 'Import entries from JSON, CSV or Markdown (idempotent by content hash; a report per row)',
  })
  @ApiOkResponse({ type: ImportReportDto })
  import(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Body() dto: ImportKnowledgeDto) {
    return this.importer.import(a, dto);
  }

  @Post('reindex')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.reindex', 'knowledge_index')
  @ApiOperation({
    summary: 'Re-embed every entry with the configured model in the background (search stays up)',
  })
  @ApiAcceptedResponse({ type: ReindexResultDto })
  reindex(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P): Promise<ReindexResultDto> {
    return this.reindexer.request(a);
  }

  @Get('health')
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({
    summary: 'Stale, expired and near-duplicate entries, and the share embedded with the current model',
  })
  @ApiOkResponse({ type: KnowledgeHealthDto })
  report(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P) {
    return this.health.report(a);
  }
}
