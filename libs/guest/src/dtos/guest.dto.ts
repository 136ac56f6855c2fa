import { IsCalendarDate, IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,49}$/u;
const trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** `{ "pms": "12345", "loyalty": "G98765" }`: short system names, string ids. */
const IsExternalIds = () =>
  ValidateBy({
    name: 'isExternalIds',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= 20 &&
        Object.entries(value).every(
          ([k, v]) =>
            /^[a-z][a-z0-9_]{0,29}$/.test(k) && typeof v === 'string' && v.length >= 1 && v.length <= 100,
        ),
      defaultMessage: () =>
        'externalIds must map lower-case system names (a-z, 0-9, _) to ids of 1-100 characters (at most 20)',
    },
  });

export class CreateGuestDto {
  @ApiProperty({ example: 'Maria' }) @trim() @IsString() @Length(1, 100) firstName: string;
  @ApiProperty({ example: 'Santos' }) @trim() @IsString() @Length(1, 100) lastName: string;

  @ApiPropertyOptional({
    example: 'maria@example.com',
    description: 'Stored lower-case; unique per property.',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    example: '+351 912 345 678',
    description: "Any format; stored as E.164 (national numbers use the property's country).",
  })
  @IsOptional()
  @IsString()
  @Length(3, 40)
  phone?: string;

  @ApiPropertyOptional({ example: 'pt', default: 'en' })
  @IsOptionalNotNull()
  @Matches(LANGUAGE)
  language?: string;
  @ApiPropertyOptional({ example: 'gold' })
  @IsOptional()
  @trim()
  @IsString()
  @Length(1, 50)
  loyaltyTier?: string;
  @ApiPropertyOptional({ example: 'vip1' })
  @IsOptional()
  @trim()
  @IsString()
  @Length(1, 50)
  vipStatus?: string;

  @ApiPropertyOptional({
    example: { pms: '12345' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptionalNotNull()
  @IsObject()
  @IsExternalIds()
  externalIds?: Record<string, string>;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) notes?: string;

  @ApiPropertyOptional({ type: [String], example: ['honeymoon'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(TAG, { each: true })
  tags?: string[];
}

export class UpdateGuestDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409 version_conflict.' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;

  @ApiPropertyOptional() @IsOptionalNotNull() @trim() @IsString() @Length(1, 100) firstName?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @trim() @IsString() @Length(1, 100) lastName?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes it.' })
  @IsOptional()
  @ValidateBy({
    name: 'isEmailOrNull',
    validator: {
      validate: (v: unknown) =>
        v === null || (typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && v.length <= 254),
      defaultMessage: () => 'email must be an email or null',
    },
  })
  email?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes it.' })
  @IsOptional()
  @ValidateBy({
    name: 'isPhoneOrNull',
    validator: {
      validate: (v: unknown) => v === null || (typeof v === 'string' && v.length >= 3 && v.length <= 40),
      defaultMessage: () => 'phone must be a phone number or null',
    },
  })
  phone?: string | null;
  @ApiPropertyOptional() @IsOptionalNotNull() @Matches(LANGUAGE) language?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @trim()
  @IsString()
  @Length(1, 50)
  loyaltyTier?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @trim()
  @IsString()
  @Length(1, 50)
  vipStatus?: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Replaces the map.',
  })
  @IsOptionalNotNull()
  @IsObject()
  @IsExternalIds()
  externalIds?: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(5000) notes?:
    string | null;
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(TAG, { each: true })
  tags?: string[];
}

export class AddPreferenceDto {
  @ApiProperty({ example: 'room' }) @Matches(/^[a-z][a-z0-9_]{0,29}$/) category: string;
  @ApiProperty({ example: 'floor', description: 'Unique per guest: adding an existing key replaces it.' })
  @Matches(/^[a-z][a-z0-9_.-]{0,49}$/)
  key: string;
  @ApiProperty({ example: 'high' }) @IsString() @Length(1, 500) value: string;
  @ApiPropertyOptional({ enum: ['stated', 'learned', 'pms'], default: 'stated' })
  @IsOptional()
  @IsIn(['stated', 'learned', 'pms'])
  source?: 'stated' | 'learned' | 'pms';
}

export class ListGuestsQueryDto {
  @ApiPropertyOptional({ description: 'Words matched as prefixes against names and email.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ description: 'Any format.' })
  @IsOptional()
  @IsString()
  @Length(3, 40)
  phone?: string;
  @ApiPropertyOptional({ example: 'pms:12345', description: '`system:id`' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,29}:.{1,100}$/)
  externalId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  vip?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 50) loyaltyTier?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(TAG) tag?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Only guests staying over the night of this date.' })
  @IsOptional()
  @IsCalendarDate()
  inHouse?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  cursor?: string;
}

export class MergeGuestDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The duplicate profile to fold into this one (it is soft-deleted).',
  })
  @IsUUID()
  sourceGuestId: string;
}

export class PreferenceDto {
  @ApiProperty() category: string;
  @ApiProperty() key: string;
  @ApiProperty() value: string;
  @ApiProperty({ enum: ['stated', 'learned', 'pms'] }) source: string;
}

export class GuestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'E.164' }) phone: string | null;
  @ApiProperty() language: string;
  @ApiPropertyOptional({ nullable: true, type: String }) loyaltyTier: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) vipStatus: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) externalIds: Record<
    string,
    string
  >;
  @ApiProperty({ type: [PreferenceDto] }) preferences: PreferenceDto[];
  @ApiProperty() stayCount: number;
  @ApiProperty({ example: '1234.50' }) totalRevenue: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) lastStayDate: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class GuestPageDto {
  @ApiProperty({ type: [GuestDto] }) items: GuestDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}
