import { IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { KNOWLEDGE_CATEGORIES, KNOWLEDGE_STATUSES, KNOWLEDGE_VISIBILITIES } from './knowledge.dto';

export const IMPORT_FORMATS = ['json', 'csv', 'markdown'] as const;

export class ImportDefaultsDto {
  @ApiPropertyOptional({ enum: KNOWLEDGE_CATEGORIES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/) language?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_VISIBILITIES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_VISIBILITIES)
  visibility?: string;
  @ApiPropertyOptional({ enum: KNOWLEDGE_STATUSES })
  @IsOptionalNotNull()
  @IsIn(KNOWLEDGE_STATUSES)
  status?: string;
}

export class ImportKnowledgeDto {
  @ApiProperty({ enum: IMPORT_FORMATS }) @IsIn(IMPORT_FORMATS) format: (typeof IMPORT_FORMATS)[number];
  @ApiPropertyOptional({
    type: [Object],
    description: 'format json: the entries, each shaped like the body of POST /knowledge.',
  })
  @ValidateIf((o: ImportKnowledgeDto) => o.format === 'json')
  @IsArray()
  @ArrayMaxSize(5000)
  @IsObject({ each: true })
  entries?: Record<string, unknown>[];
  @ApiPropertyOptional({
    description:
      'format csv: a header row naming the entry fields (title, content, category, keywords split by ; …); ' +
      'format markdown: a document, one entry per heading section.',
  })
  @ValidateIf((o: ImportKnowledgeDto) => o.format !== 'json')
  @IsString()
  @MaxLength(16 * 1024 * 1024)
  content?: string;
  @ApiPropertyOptional({ type: ImportDefaultsDto, description: 'Fields for rows that leave them out.' })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => ImportDefaultsDto)
  defaults?: ImportDefaultsDto;
}

export class ImportRowReportDto {
  @ApiProperty({ description: 'Row (CSV data row, JSON index from 1, Markdown section) of the input.' })
  row: number;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'failed'] }) outcome: string;
  @ApiPropertyOptional({ nullable: true, type: String }) entryId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) title: string | null;
  @ApiPropertyOptional({ type: [Object] }) errors?: { field: string; code: string; message: string }[];
}

export class ImportReportDto {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'Rows whose content the property already holds under that title.' })
  unchanged: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: [ImportRowReportDto] }) rows: ImportRowReportDto[];
}
