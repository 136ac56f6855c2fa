import {
  ApiProblems,
  Audited,
  CurrentAccess,
  Permission,
  type PropertyAccess,
  RequirePermissions,
  UuidParam,
} from '@app/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import {
  CreateKnowledgeDto,
  KnowledgeDto,
  KnowledgePageDto,
  KnowledgeVersionDto,
  ListKnowledgeQueryDto,
  RestoreKnowledgeDto,
  UpdateKnowledgeDto,
} from '../dtos/knowledge.dto';
import { KnowledgeService } from '../services/knowledge.service';

type P = PropertyAccess;

/** The hotel's knowledge base: entries, their versions, restore. */
@ApiTags('knowledge')
@ApiProblems(400, 401, 403, 404, 409, 413, 503)
@ApiBearerAuth()
@Controller({ path: 'properties/:propertyId/knowledge', version: '1' })
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Get()
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({
    summary: 'Entries, last changed first (filters: category, status, visibility, language, q)',
  })
  @ApiOkResponse({ type: KnowledgePageDto })
  list(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Query() q: ListKnowledgeQueryDto) {
    return this.knowledge.list(a, q);
  }

  @Post()
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.create', 'knowledge_entry')
  @ApiOperation({ summary: 'Add an entry (version 1)' })
  @ApiCreatedResponse({ type: KnowledgeDto })
  create(@Param('propertyId', UuidParam) _p: string, @CurrentAccess() a: P, @Body() dto: CreateKnowledgeDto) {
    return this.knowledge.create(a, dto);
  }

  @Get(':entryId')
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({ summary: 'One entry' })
  @ApiOkResponse({ type: KnowledgeDto })
  get(
    @Param('propertyId', UuidParam) _p: string,
    @Param('entryId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.knowledge.get(a, id);
  }

  @Patch(':entryId')
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.update', 'knowledge_entry', 'entryId')
  @ApiOperation({ summary: 'Edit an entry (send the version you read); writes a new version' })
  @ApiOkResponse({ type: KnowledgeDto })
  update(
    @Param('propertyId', UuidParam) _p: string,
    @Param('entryId', UuidParam) id: string,
    @CurrentAccess() a: P,
    @Body() dto: UpdateKnowledgeDto,
  ) {
    return this.knowledge.update(a, id, dto);
  }

  @Delete(':entryId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.delete', 'knowledge_entry', 'entryId')
  @ApiOperation({ summary: 'Delete an entry and its history (archive it to keep them)' })
  @ApiNoContentResponse()
  async remove(
    @Param('propertyId', UuidParam) _p: string,
    @Param('entryId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ): Promise<void> {
    await this.knowledge.remove(a, id);
  }

  @Get(':entryId/versions')
  @RequirePermissions(Permission.KnowledgeRead)
  @ApiOperation({ summary: "The entry's versions, newest first (who, when, why, the full entry)" })
  @ApiOkResponse({ type: [KnowledgeVersionDto] })
  versions(
    @Param('propertyId', UuidParam) _p: string,
    @Param('entryId', UuidParam) id: string,
    @CurrentAccess() a: P,
  ) {
    return this.knowledge.versions(a, id);
  }

  @Post(':entryId/versions/:n/restore')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.KnowledgeWrite)
  @Audited('knowledge.restore', 'knowledge_entry', 'entryId')
  @ApiOperation({ summary: 'Make version n current again (as a new version)' })
  @ApiOkResponse({ type: KnowledgeDto })
  restore(
    @Param('propertyId', UuidParam) _p: string,
    @Param('entryId', UuidParam) id: string,
    @Param('n', new ParseIntPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST })) n: number,
    @CurrentAccess() a: P,
    @Body() dto: RestoreKnowledgeDto,
  ) {
    return this.knowledge.restore(a, id, n, dto);
  }
}
