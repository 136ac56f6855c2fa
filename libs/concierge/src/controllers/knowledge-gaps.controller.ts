import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { KnowledgeGapDto, KnowledgeGapListDto, ListKnowledgeGapsQueryDto } from '../dtos/knowledge-gap.dto';
import { KnowledgeGapsService } from '../services/knowledge-gaps.service';

/** Questions the knowledge could not answer, for knowledge curators to fill. */
@ApiTags('concierge')
@ApiProblems(400, 401, 403, 404, 409, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/knowledge-gaps', version: '1' })
export class KnowledgeGapsController {
  constructor(private readonly gaps: KnowledgeGapsService) {}

  @Get()
  @RequirePermissions(Permission.KnowledgeWrite)
  @ApiOperation({
    summary:
      'Knowledge gaps (open by default): unanswered and unhelpfully answered questions, most asked first',
  })
  @ApiOkResponse({ type: KnowledgeGapListDto })
  list(
    @Param('propertyId', UuidParam) _p: string,
    @CurrentAccess() a: PropertyAccess,
    @Query() q: ListKnowledgeGapsQueryDto,
  ) {
    return this.gaps.list(a, q);
  }

  @Post(':gapId/draft')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge_gap.draft', 'knowledge_gap', 'gapId')
  @ApiOperation({
    summary: 'Turn a gap into a draft knowledge entry with the question and the staff answer',
    description:
      'Idempotent: a gap already drafted is returned with the entry made the first time (`entryId`); ' +
      'a dismissed gap is refused with 409 knowledge_gap_closed.',
  })
  @ApiOkResponse({ type: KnowledgeGapDto })
  draft(
    @Param('propertyId', UuidParam) _p: string,
    @Param('gapId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.gaps.draft(a, id);
  }

  @Post(':gapId/dismiss')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge_gap.dismiss', 'knowledge_gap', 'gapId')
  @ApiOperation({
    summary: 'Dismiss a gap (idempotent; a drafted gap is refused with 409 knowledge_gap_closed)',
  })
  @ApiOkResponse({ type: KnowledgeGapDto })
  dismiss(
    @Param('propertyId', UuidParam) _p: string,
    @Param('gapId', UuidParam) id: string,
    @CurrentAccess() a: PropertyAccess,
  ) {
    return this.gaps.dismiss(a, id);
  }
}
