import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

const RATINGS = ['helpful', 'unhelpful'] as const;

/** A staff member's word on an AI reply. */
export class GiveFeedbackDto {
  @ApiProperty({ enum: RATINGS }) @IsIn(RATINGS) rating: 'helpful' | 'unhelpful';

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 4000,
    description:
      'What the AI should have said. With an unhelpful rating it becomes the answer of the knowledge gap ' +
      'the question is counted in.',
    example: 'Dogs up to 10 kg are welcome for €20 a night; please tell us when you book.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  @Matches(/\S/, { message: 'correction must not be empty' })
  correction?: string | null;
}

export class FeedbackDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The AI reply rated.' }) messageId: string;
  @ApiProperty() conversationId: string;
  @ApiProperty({ enum: RATINGS }) rating: string;
  @ApiProperty({ nullable: true, type: String }) correction: string | null;
  @ApiProperty({ description: 'Who rated it last.' }) ratedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
