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
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class ListApprovalsQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status?: 'pending' | 'approved' | 'rejected';
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) cursor?: string;
}

export class TaskItemDto {
  @ApiProperty({ example: 'towel' }) @IsString() @Length(1, 50) item: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(100) quantity: number;
}

/** What an approver may change in a proposed task before it is created. */
export class TaskEditDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @Matches(/\S/)
  @Length(1, 2000)
  description?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @Length(1, 20) roomNumber?:
    string | null;
  @ApiPropertyOptional({ type: [TaskItemDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TaskItemDto)
  items?: TaskItemDto[];
  @ApiPropertyOptional({ enum: ['urgent', 'high', 'standard', 'low'] })
  @IsOptionalNotNull()
  @IsIn(['urgent', 'high', 'standard', 'low'])
  priority?: 'urgent' | 'high' | 'standard' | 'low';
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  dueAt?: string;
}

export class ApproveDto {
  @ApiPropertyOptional({ description: 'The reply to send instead of the proposed one.', maxLength: 4000 })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/\S/, { message: 'reply must not be empty' })
  @Length(1, 4000)
  reply?: string;
  @ApiPropertyOptional({ type: TaskEditDto, description: 'Changes to the proposed task.' })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => TaskEditDto)
  task?: TaskEditDto;
}

export class RejectDto {
  @ApiProperty({ description: 'Why (kept with the decision and audited).', example: 'Hotel is full tonight' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be empty' })
  @Length(1, 1000)
  reason: string;
}

export class ApprovalReplyDto {
  @ApiProperty() content: string;
  @ApiProperty() language: string;
}

export class ApprovalTaskDto {
  @ApiProperty() type: string;
  @ApiProperty() department: string;
  @ApiProperty({ nullable: true }) roomNumber: string | null;
  @ApiProperty() description: string;
  @ApiProperty({ type: [TaskItemDto] }) items: TaskItemDto[];
  @ApiProperty() priority: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class ApprovalDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status: string;
  @ApiProperty({ enum: ['reply', 'task'] }) kind: string;
  @ApiProperty({ enum: ['reply', 'create_task', 'room_change', 'late_checkout', 'compensation'] })
  actionType: string;
  @ApiProperty({ example: 'request.late_checkout' }) intent: string;
  @ApiProperty() department: string;
  @ApiProperty({ description: 'The policy rule that asked for approval.', example: 'autonomy_l1' })
  reason: string;
  @ApiProperty() conversationId: string;
  @ApiProperty() messageId: string;
  @ApiProperty({ nullable: true }) guestId: string | null;
  @ApiProperty({ description: 'What the guest wrote.' }) guestMessage: string;
  @ApiProperty({ description: 'The language the guest wrote in.' }) guestLanguage: string;
  @ApiProperty({ type: ApprovalReplyDto, nullable: true }) reply: ApprovalReplyDto | null;
  @ApiProperty({ type: ApprovalTaskDto, nullable: true }) task: ApprovalTaskDto | null;
  @ApiProperty() edited: boolean;
  @ApiProperty({ nullable: true }) decidedBy: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ nullable: true }) rejectionReason: string | null;
  @ApiProperty({ nullable: true, description: 'What approval did: the task and message created.' })
  result: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ApprovalPageDto {
  @ApiProperty({ type: [ApprovalDto] }) items: ApprovalDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}
