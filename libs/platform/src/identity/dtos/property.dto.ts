import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsHexColor,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { IsIanaTimezone, PROPERTY_CODE, Trim } from '../../validation/validators';

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export class ChannelSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() whatsapp?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webchat?: boolean;
}

export class FeatureSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() aiConcierge?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() proactiveMessaging?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() translation?: boolean;
}

export class EscalationSettingsDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    example: 0.7,
    description: 'AI confidence below which staff take over.',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;
}

export class TaskDueMinutesDto {
  @ApiPropertyOptional({ example: 15 }) @IsOptional() @IsInt() @Min(1) @Max(10080) urgent?: number;
  @ApiPropertyOptional({ example: 30 }) @IsOptional() @IsInt() @Min(1) @Max(10080) high?: number;
  @ApiPropertyOptional({ example: 60 }) @IsOptional() @IsInt() @Min(1) @Max(10080) standard?: number;
  @ApiPropertyOptional({ example: 240 }) @IsOptional() @IsInt() @Min(1) @Max(10080) low?: number;
}

export class TaskSettingsDto {
  @ApiPropertyOptional({
    type: TaskDueMinutesDto,
    description: 'Default due time of a new task, by priority.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TaskDueMinutesDto)
  dueMinutes?: TaskDueMinutesDto;
}

export class ConversationSettingsDto {
  @ApiPropertyOptional({
    example: 4,
    description: 'Hours without a message before the guest is asked if they need more.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  idleWarnHours?: number;

  @ApiPropertyOptional({
    example: 20,
    description: 'Hours after that warning before the conversation closes.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  idleCloseHours?: number;
}

export class BrandingSettingsDto {
  @ApiPropertyOptional() @IsOptional() @Trim() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ example: '#1f4e79' }) @IsOptional() @IsHexColor() primaryColor?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  logoUrl?: string | null;
}

export class PropertySettingsDto {
  @ApiPropertyOptional({ type: ChannelSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelSettingsDto)
  channels?: ChannelSettingsDto;

  @ApiPropertyOptional({ type: FeatureSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeatureSettingsDto)
  features?: FeatureSettingsDto;

  @ApiPropertyOptional({ type: EscalationSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EscalationSettingsDto)
  escalation?: EscalationSettingsDto;

  @ApiPropertyOptional({ type: TaskSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TaskSettingsDto)
  tasks?: TaskSettingsDto;

  @ApiPropertyOptional({ type: ConversationSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConversationSettingsDto)
  conversations?: ConversationSettingsDto;

  @ApiPropertyOptional({ type: BrandingSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BrandingSettingsDto)
  branding?: BrandingSettingsDto;

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'defaultLanguage must be a language code such as en or pt-BR' })
  defaultLanguage?: string;

  @ApiPropertyOptional({ example: ['en', 'pt'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(LANGUAGE, { each: true })
  supportedLanguages?: string[];

  @ApiPropertyOptional({
    example: 'PT',
    description: 'ISO 3166-1 alpha-2; default region for phone numbers.',
  })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/)
  country?: string;
}

export class CreatePropertyDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Needed only when you administer several organizations.',
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiProperty({ example: 'Hotel Miramar Porto' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'miramar-porto' })
  @IsString()
  @Matches(PROPERTY_CODE, { message: 'code must be 1-50 lower-case letters, digits or inner dashes' })
  code: string;

  @ApiProperty({ example: 'Europe/Lisbon' })
  @IsIanaTimezone()
  timezone: string;

  @ApiPropertyOptional({ type: PropertySettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PropertySettingsDto)
  settings?: PropertySettingsDto;
}

export class UpdatePropertyDto {
  @ApiPropertyOptional({ description: 'Owners and admins only.' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Owners and admins only.' })
  @IsOptional()
  @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ type: PropertySettingsDto, description: 'Merged into the current settings.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PropertySettingsDto)
  settings?: PropertySettingsDto;
}

export class PropertyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ description: 'Effective settings (defaults filled in).' }) settings: Record<string, unknown>;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
