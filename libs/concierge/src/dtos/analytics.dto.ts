import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class ConciergeAnalyticsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 7 days before `to`.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class CountByKeyDto {
  @ApiProperty() key: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Share of all guest messages of the period.' }) rate: number;
}

export class DailyConciergeDto {
  @ApiProperty({ example: '2026-11-21', description: "A day in the property's time zone." }) day: string;
  @ApiProperty() messages: number;
  @ApiProperty() automated: number;
  @ApiProperty() escalated: number;
}

export class ConciergeAnalyticsDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Guest messages the concierge processed.' }) messages: number;
  @ApiProperty({ description: 'Answered or actioned with no staff involvement ÷ all guest messages.' })
  automationRate: number;
  @ApiProperty() escalationRate: number;
  @ApiProperty({ type: [CountByKeyDto], description: 'Escalations by reason.' }) escalations: CountByKeyDto[];
  @ApiProperty({ description: 'Waiting for or decided through the approval queue.' }) approvals: {
    queued: number;
    decided: number;
    pending: number;
    medianTurnaroundSeconds: number | null;
    p90TurnaroundSeconds: number | null;
  };
  @ApiProperty({
    description: 'Median seconds from a guest message to the first AI and the first staff reply.',
  })
  firstResponse: {
    aiMedianSeconds: number | null;
    staffMedianSeconds: number | null;
    answeredByAi: number;
    answeredByStaff: number;
  };
  @ApiProperty({ type: [CountByKeyDto] }) topIntents: CountByKeyDto[];
  @ApiProperty({ nullable: true, description: 'Inquiries the knowledge answered ÷ inquiries looked up.' })
  knowledgeHitRate: number | null;
  @ApiProperty({ type: [DailyConciergeDto] }) daily: DailyConciergeDto[];
}
