import { IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const LEVELS = ['L1', 'L2'] as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class AutonomyDto {
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptionalNotNull() @IsIn(LEVELS) reply?: 'L1' | 'L2';
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptionalNotNull() @IsIn(LEVELS) create_task?: 'L1' | 'L2';
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptionalNotNull() @IsIn(LEVELS) room_change?: 'L1' | 'L2';
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptionalNotNull() @IsIn(LEVELS) late_checkout?: 'L1' | 'L2';
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptionalNotNull() @IsIn(LEVELS) compensation?: 'L1' | 'L2';
}

export class QuietHoursDto {
  @ApiProperty({ example: '22:00' }) @Matches(HHMM, { message: 'start must be HH:MM' }) start: string;
  @ApiProperty({ example: '07:00' }) @Matches(HHMM, { message: 'end must be HH:MM' }) end: string;
}

/** The AI policy as a manager edits it. Omitted fields take their defaults. */
export class UpdateAiPolicyDto {
  @ApiProperty({
    description: 'The version you read (0 before the first save); a stale one is refused with 409.',
  })
  @IsInt()
  @Min(0)
  version: number;

  @ApiPropertyOptional({
    enum: ['builtin', 'openai'],
    nullable: true,
    description: 'null: the platform default.',
  })
  @IsOptional()
  @IsIn(['builtin', 'openai'])
  engine?: 'builtin' | 'openai' | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.7 })
  @IsOptionalNotNull()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidenceThreshold?: number;

  @ApiPropertyOptional({ type: AutonomyDto, description: 'L1: staff approve first; L2: automatic.' })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => AutonomyDto)
  autonomy?: AutonomyDto;

  @ApiPropertyOptional({
    description: 'Task autonomy per department (overrides autonomy.create_task), e.g. {"maintenance": "L1"}.',
    example: { housekeeping: 'L2' },
  })
  @IsOptionalNotNull()
  @IsObject()
  departmentAutonomy?: Record<string, string>;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean() escalateNegativeSentiment?: boolean;

  @ApiPropertyOptional({ minimum: 2, maximum: 10 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(2)
  @Max(10)
  repeatLimit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1440,
    description: 'AI keeps quiet this long after a staff reply.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1440)
  staffActivityMinutes?: number;

  @ApiPropertyOptional({ type: [String], example: ['vip', 'platinum'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  vipTiers?: string[];

  @ApiPropertyOptional({ enum: ['auto', 'suggest'], description: 'suggest: the AI drafts, staff send.' })
  @IsOptionalNotNull()
  @IsIn(['auto', 'suggest'])
  vipMode?: 'auto' | 'suggest';

  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiPropertyOptional({ example: '112' })
  @IsOptionalNotNull()
  @Matches(/^\+?[0-9][0-9 -]{1,18}$/, {
    message: 'emergencyNumber must be a phone number such as 112 or 911',
  })
  emergencyNumber?: string;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean() translateForStaff?: boolean;

  @ApiPropertyOptional({
    description:
      'Wording overrides: language → line key → text, e.g. {"en": {"greeting": "Welcome to {hotel}!"}}.',
  })
  @IsOptionalNotNull()
  @IsObject()
  wording?: Record<string, Record<string, string>>;
}

export class AiPolicyDto {
  @ApiProperty({ description: '0 while the property runs on the defaults.' }) version: number;
  @ApiProperty({
    enum: ['builtin', 'openai'],
    description: 'The engine in use (the platform default when unset).',
  })
  engineInUse: string;
  @ApiProperty({ enum: ['builtin', 'openai'], nullable: true }) engine: string | null;
  @ApiProperty() confidenceThreshold: number;
  @ApiProperty({ type: AutonomyDto }) autonomy: Record<string, string>;
  @ApiProperty() departmentAutonomy: Record<string, string>;
  @ApiProperty() escalateNegativeSentiment: boolean;
  @ApiProperty() repeatLimit: number;
  @ApiProperty() staffActivityMinutes: number;
  @ApiProperty({ type: [String] }) vipTiers: string[];
  @ApiProperty({ enum: ['auto', 'suggest'] }) vipMode: string;
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours: { start: string; end: string } | null;
  @ApiProperty() emergencyNumber: string;
  @ApiProperty() translateForStaff: boolean;
  @ApiProperty() wording: Record<string, Record<string, string>>;
  @ApiProperty({ nullable: true, format: 'date-time' }) updatedAt: string | null;
}
