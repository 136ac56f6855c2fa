import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

const STATUSES = ['open', 'drafted', 'dismissed'] as const;

export class ListKnowledgeGapsQueryDto {
  @ApiPropertyOptional({ enum: STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: 'open' | 'drafted' | 'dismissed';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class KnowledgeGapExampleDto {
  @ApiProperty({ description: 'The guest message.' }) messageId: string;
  @ApiProperty() conversationId: string;
  @ApiProperty({ description: 'What the guest wrote.' }) text: string;
  @ApiProperty({
    enum: ['no_knowledge', 'unhelpful'],
    description: 'Escalated for lack of knowledge, or an AI reply staff rated unhelpful.',
  })
  source: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

/** Questions guests asked that the knowledge could not answer, similar ones together. */
export class KnowledgeGapDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The first question asked.', example: 'Are dogs allowed in the hotel?' })
  question: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ description: 'How often it was asked (similar questions counted together).' })
  occurrences: number;
  @ApiProperty({ type: [KnowledgeGapExampleDto], description: 'The latest questions (up to 5).' })
  examples: KnowledgeGapExampleDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The staff answer: a correction given with an unhelpful rating, else what staff first replied to ' +
      'the guest after one of the questions.',
  })
  answer: string | null;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'The draft knowledge entry made from it.' })
  entryId: string | null;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
}

export class KnowledgeGapListDto {
  @ApiProperty({ type: [KnowledgeGapDto] }) items: KnowledgeGapDto[];
}
