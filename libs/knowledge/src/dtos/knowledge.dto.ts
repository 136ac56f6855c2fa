import { IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const KNOWLEDGE_CATEGORIES = [
  'faq',
  'policy',
  'amenity',
  'service',
  'dining',
  'room_type',
  'local_info',
  'contact',
  'other',
] as const;
export const KNOWLEDGE_STATUSES = ['draft', 'active', 'archived'] as const;
export const KNOWLEDGE_VISIBILITIES = ['guest', 'internal'] as const;
/** 100 KB of Markdown: a long policy fits, a pasted manual does not. */
export const MAX_CONTENT_BYTES = 100 * 1024;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

export class CreateKnowledgeDto {
  @ApiProperty({ enum: KNOWLEDGE_CATEGORIES }) @IsIn(KNOWLEDGE_CATEGORIES) category: string;
  @ApiProperty({ example: 'Breakfast hours' })
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'title must not be empty' })
  title: string;
  @ApiProperty({
    description: 'Markdown, at most 100 KB.',
    example: 'Breakfast is served 7:00–10:30 in the Atrium.',
  })
  @IsString()
  @Matches(/\S/, { message: 'content must not be empty' })
  content: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  keywords?: string[];
  @ApiPropertyOptional({ default: 'en', example: 'en' })
  @IsOptionalNotNull()
  @Matches(LANGUAGE)
  language?: string;
  @ApiPropertyOptional({ default: 5, minimum: 0, maximum: 10 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;
  @ApiPropertyOptional({ enum: KNOWLEDGE_STATUSES, default: 'active' })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_STATUSES)
  status?: string;
  @ApiPropertyOptional({
    enum: KNOWLEDGE_VISIBILITIES,
    default: 'guest',
    description: 'guest: may be told to guests; internal: staff only (SOPs).',
  })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_VISIBILITIES)
  visibility?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string | null;
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  sourceUrl?: string | null;
}

export class UpdateKnowledgeDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409 version_conflict.' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;
  @ApiPropertyOptional({ description: 'Why it changed (kept with the version).' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 500)
  reason?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_CATEGORIES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'title must not be empty' })
  title?: string;
  @ApiPropertyOptional({ description: 'Markdown, at most 100 KB.' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/\S/, { message: 'content must not be empty' })
  content?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  keywords?: string[];
  @ApiPropertyOptional() @IsOptionalNotNull() @Matches(LANGUAGE) language?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsInt() @Min(0) @Max(10) priority?: number;
  @ApiPropertyOptional({ enum: KNOWLEDGE_STATUSES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_STATUSES)
  status?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_VISIBILITIES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_VISIBILITIES)
  visibility?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string | null;
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  sourceUrl?: string | null;
}

export class RestoreKnowledgeDto {
  @ApiProperty({ description: "The entry's current version (optimistic lock)." })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @Length(1, 500) reason?: string;
}

export class ListKnowledgeQueryDto {
  @ApiPropertyOptional({ enum: KNOWLEDGE_CATEGORIES })
  @IsOptional()
  @IsIn(KNOWLEDGE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_STATUSES }) @IsOptional() @IsIn(KNOWLEDGE_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_VISIBILITIES })
  @IsOptional()
  @IsIn(KNOWLEDGE_VISIBILITIES)
  visibility?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(LANGUAGE) language?: string;
  @ApiPropertyOptional({ description: 'Words in the title, content or keywords.' })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  q?: string;
  @ApiPropertyOptional({ default: 25, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) cursor?: string;
}

export class KnowledgeDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: KNOWLEDGE_CATEGORIES }) category: string;
  @ApiProperty() title: string;
  @ApiProperty() content: string;
  @ApiProperty({ type: [String] }) keywords: string[];
  @ApiProperty() language: string;
  @ApiProperty() priority: number;
  @ApiProperty({ enum: KNOWLEDGE_STATUSES }) status: string;
  @ApiProperty({ enum: KNOWLEDGE_VISIBILITIES }) visibility: string;
  @ApiPropertyOptional({ nullable: true }) validFrom: string | null;
  @ApiPropertyOptional({ nullable: true }) validUntil: string | null;
  @ApiPropertyOptional({ nullable: true }) sourceUrl: string | null;
  @ApiProperty({ description: 'SHA-256 of the content (hex).' }) contentSha256: string;
  @ApiProperty() version: number;
  @ApiProperty() usageCount: number;
  @ApiProperty() successCount: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "The organization's group entry this is a copy of (edited at the organization).",
  })
  groupEntryId: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'The model (model@dimensions) the current content is embedded with; null: full text only so far.',
  })
  embeddedModel: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) embeddedAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class KnowledgePageDto {
  @ApiProperty({ type: [KnowledgeDto] }) items: KnowledgeDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class KnowledgeVersionDto {
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty() content: string;
  @ApiProperty() contentSha256: string;
  @ApiProperty({ type: Object, description: 'The other fields the entry held at this version.' })
  fields: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiPropertyOptional({ nullable: true }) changedBy: string | null;
  @ApiProperty() changedAt: string;
}
