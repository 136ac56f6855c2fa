import { IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';

import { KNOWLEDGE_CATEGORIES, KNOWLEDGE_VISIBILITIES } from './knowledge.dto';

export const MAX_QUERY_LENGTH = 1000;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

export class SearchKnowledgeDto {
  @ApiProperty({ maxLength: MAX_QUERY_LENGTH, example: 'What time is breakfast?' })
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  @Matches(/[\p{L}\p{N}]/u, { message: 'query must contain a letter or a digit' })
  query: string;
  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 20 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
  @ApiPropertyOptional({
    enum: KNOWLEDGE_VISIBILITIES,
    description: 'guest: only what may be told to guests.',
  })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_VISIBILITIES)
  visibility?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_CATEGORIES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional({ example: 'en' }) @IsOptionalNotNull() @Matches(LANGUAGE) language?: string;
}

export class KnowledgeHitDto {
  @ApiProperty() entryId: string;
  @ApiProperty() chunkId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: KNOWLEDGE_CATEGORIES }) category: string;
  @ApiProperty({ enum: KNOWLEDGE_VISIBILITIES }) visibility: string;
  @ApiPropertyOptional({ nullable: true, type: String }) heading: string | null;
  @ApiProperty({ description: 'The passage around the matched words (matches in **bold**).' })
  snippet: string;
  @ApiProperty({ description: 'Reciprocal rank fusion of the two signals (higher is better).' })
  score: number;
  @ApiProperty({ type: [String], enum: ['vector', 'text'], description: 'Which signals found the chunk.' })
  signals: string[];
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Cosine similarity to the query.' })
  similarity: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Full-text rank (ts_rank_cd).' })
  textRank: number | null;
}

export class KnowledgeSearchResultDto {
  @ApiProperty({ type: [KnowledgeHitDto] }) items: KnowledgeHitDto[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The vectors searched (model@dimensions); null when only full text answered.',
  })
  vectorModel: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['exact', 'hnsw'] }) vectorPlan: string | null;
}

export class AskKnowledgeDto {
  @ApiProperty({ maxLength: MAX_QUERY_LENGTH, example: 'Is there parking at the hotel?' })
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  @Matches(/[\p{L}\p{N}]/u, { message: 'question must contain a letter or a digit' })
  question: string;
  @ApiPropertyOptional({
    enum: ['guest', 'staff'],
    default: 'guest',
    description: 'guest: the answer a guest would get (guest-visible entries only); staff: SOPs too.',
  })
  @IsOptionalNotNull()
  @IsIn(['guest', 'staff'])
  audience?: 'guest' | 'staff';
}

export class AskSourceDto {
  @ApiProperty() entryId: string;
  @ApiProperty() chunkId: string;
  @ApiProperty() title: string;
  @ApiProperty() score: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) similarity: number | null;
  @ApiProperty({ type: [String] }) signals: string[];
}

export class AskAnswerDto {
  @ApiProperty() answer: string;
  @ApiProperty({ description: 'false when the knowledge holds no answer (staff should reply).' })
  answered: boolean;
  @ApiProperty({ type: [AskSourceDto] }) sources: AskSourceDto[];
  @ApiProperty({ example: 'builtin' }) engine: string;
  @ApiProperty({ description: 'Served from the response cache.' }) cached: boolean;
}

export class ReindexResultDto {
  @ApiProperty({ description: 'The model the property is being re-embedded with (model@dimensions).' })
  model: string;
  @ApiProperty() jobId: string;
}

export class HealthEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) validUntil: string | null;
}

export class DuplicatePairDto {
  @ApiProperty() entryId: string;
  @ApiProperty() title: string;
  @ApiProperty() otherEntryId: string;
  @ApiProperty() otherTitle: string;
  @ApiProperty() similarity: number;
}

export class EmbeddingCoverageDto {
  @ApiProperty() currentModel: string;
  @ApiPropertyOptional({ nullable: true, type: String }) searchModel: string | null;
  @ApiProperty() reindexing: boolean;
  @ApiProperty() entries: number;
  @ApiProperty() embeddedWithCurrentModel: number;
  @ApiProperty({ description: 'Share of entries embedded with the current model, 0–1 (target 1).' })
  share: number;
}

export class KnowledgeGapSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'Are dogs allowed in the hotel?' }) question: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ description: 'How often guests asked it (similar questions together).' })
  occurrences: number;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
  @ApiProperty({ description: 'A staff answer is known (a correction or a reply to the guest).' })
  answered: boolean;
}

export class KnowledgeGapsHealthDto {
  @ApiProperty({ description: 'Open knowledge gaps in all.' }) open: number;
  @ApiProperty({ type: [KnowledgeGapSummaryDto], description: 'The 20 most asked open gaps.' })
  top: KnowledgeGapSummaryDto[];
}

export class KnowledgeHealthDto {
  @ApiProperty({ type: [HealthEntryDto], description: 'Active entries not updated in 180 days.' })
  stale: HealthEntryDto[];
  @ApiProperty({ type: [DuplicatePairDto], description: 'Entry pairs at similarity ≥ 0.9.' })
  nearDuplicates: DuplicatePairDto[];
  @ApiProperty({ type: [HealthEntryDto], description: 'Entries whose validity window has ended.' })
  expired: HealthEntryDto[];
  @ApiProperty({ type: EmbeddingCoverageDto }) embeddings: EmbeddingCoverageDto;
  @ApiProperty({
    type: KnowledgeGapsHealthDto,
    nullable: true,
    description:
      'Questions guests asked that the knowledge could not answer (see …/knowledge-gaps); null for ' +
      'staff who may not write knowledge, since they quote guests.',
  })
  gaps: KnowledgeGapsHealthDto | null;
}
