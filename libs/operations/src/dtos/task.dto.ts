import { IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const TASK_PRIORITIES = ['urgent', 'high', 'standard', 'low'] as const;
export const TASK_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'] as const;
const DEPARTMENT = /^[a-z][a-z0-9_]{0,49}$/;

export class TaskItemDto {
  @ApiProperty({ example: 'towels' }) @IsString() @Length(1, 100) item: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(1000) quantity: number;
}

export class CreateTaskDto {
  @ApiProperty({
    example: 'amenity_request',
    description: 'What kind of work, e.g. amenity_request, repair, cleaning.',
  })
  @Matches(DEPARTMENT)
  type: string;
  @ApiProperty({ example: 'housekeeping' }) @Matches(DEPARTMENT) department: string;
  @ApiPropertyOptional({ example: '204' }) @IsOptional() @IsString() @Length(1, 20) roomNumber?: string;
  @ApiProperty({ example: 'Bring two more towels' }) @IsString() @Length(1, 2000) description: string;
  @ApiPropertyOptional({ type: [TaskItemDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TaskItemDto)
  items?: TaskItemDto[];
  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'standard' })
  @IsOptionalNotNull()
  @IsIn(TASK_PRIORITIES)
  priority?: (typeof TASK_PRIORITIES)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description: "Default: now + the property's due minutes for the priority.",
  })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  dueAt?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() guestId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() reservationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Assign on creation.' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) externalRef?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) notes?: string;
}

export class UpdateTaskDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409 version_conflict.' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;
  @ApiPropertyOptional() @IsOptionalNotNull() @Matches(DEPARTMENT) type?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @Matches(DEPARTMENT) department?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  roomNumber?: string | null;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @Length(1, 2000) description?: string;
  @ApiPropertyOptional({ type: [TaskItemDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TaskItemDto)
  items?: TaskItemDto[];
  @ApiPropertyOptional({ enum: TASK_PRIORITIES })
  @IsOptionalNotNull()
  @IsIn(TASK_PRIORITIES)
  priority?: (typeof TASK_PRIORITIES)[number];
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  dueAt?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(5000) notes?:
    string | null;
}

export class AssignTaskDto {
  @ApiProperty({ format: 'uuid', description: 'A staff member with access to this property.' })
  @IsUUID()
  userId: string;
}

export class CompleteTaskDto {
  @ApiPropertyOptional({ example: 'Delivered 2 towels' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  completionNotes?: string;
}

export class ListTasksQueryDto {
  @ApiPropertyOptional({ example: 'housekeeping' }) @IsOptional() @Matches(DEPARTMENT) department?: string;
  @ApiPropertyOptional({ example: 'pending,assigned', description: 'One status or a comma-separated list.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @IsIn(TASK_STATUSES, { each: true })
  status?: (typeof TASK_STATUSES)[number][];
  @ApiPropertyOptional({ description: 'A user id, or `me`.' })
  @IsOptional()
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i)
  assignee?: string;
  @ApiPropertyOptional({ enum: TASK_PRIORITIES })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: (typeof TASK_PRIORITIES)[number];
  @ApiPropertyOptional({ description: 'Only open tasks past their due time.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) cursor?: string;
}

export class TaskStatsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 7 days ago.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty() department: string;
  @ApiPropertyOptional({ nullable: true, type: String }) roomNumber: string | null;
  @ApiProperty() description: string;
  @ApiProperty({ type: [TaskItemDto] }) items: TaskItemDto[];
  @ApiProperty({ enum: TASK_PRIORITIES }) priority: string;
  @ApiProperty({ enum: TASK_STATUSES }) status: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) assignedTo: string | null;
  @ApiProperty({ enum: ['manual', 'auto', 'automation'] }) source: string;
  @ApiPropertyOptional({ nullable: true, type: String }) guestId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reservationId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) conversationId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) externalRef: string | null;
  @ApiProperty() dueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) assignedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) completedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) cancelledAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) notes: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) completionNotes: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items: TaskDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class OpenTaskCountDto {
  @ApiProperty() department: string;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority: string;
  @ApiProperty() count: number;
}

export class TaskStatsDto {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [OpenTaskCountDto] }) open: OpenTaskCountDto[];
  @ApiProperty() overdue: number;
  @ApiProperty({ description: 'Tasks completed in the period.' }) completed: number;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Median minutes from creation to completion.',
  })
  medianMinutesToComplete: number | null;
}
