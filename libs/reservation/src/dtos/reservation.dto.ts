import { IsCalendarDate, IsOptionalNotNull } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const RESERVATION_STATUSES = [
  'confirmed',
  'checked_in',
  'checked_out',
  'cancelled',
  'no_show',
] as const;

const MONEY = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };

export class CreateReservationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() guestId: string;
  @ApiProperty({ example: 'MIR-48213' }) @IsString() @Length(1, 50) confirmationNumber: string;
  @ApiPropertyOptional({ example: 'PMS-99812' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalId?: string;
  @ApiPropertyOptional({ example: '204' }) @IsOptional() @IsString() @Length(1, 20) roomNumber?: string;
  @ApiProperty({ example: 'Deluxe Double' }) @IsString() @Length(1, 50) roomType: string;
  @ApiProperty({ example: '2026-12-01', format: 'date' }) @IsCalendarDate() arrivalDate: string;
  @ApiProperty({ example: '2026-12-04', format: 'date', description: 'After arrivalDate.' })
  @IsCalendarDate()
  departureDate: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  estimatedArrival?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  estimatedDeparture?: string;
  @ApiPropertyOptional({ example: 'BAR' }) @IsOptional() @IsString() @Length(1, 50) rateCode?: string;
  @ApiPropertyOptional({ example: 540.5 })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(9_999_999_999)
  totalRate?: number;
  @ApiPropertyOptional({ example: 0 })
  @IsOptionalNotNull()
  @IsNumber(MONEY)
  @Min(-9_999_999_999)
  @Max(9_999_999_999)
  balance?: number;
  @ApiPropertyOptional({ type: [String], example: ['late arrival', 'feather-free pillows'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  specialRequests?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  notes?: string[];
}

export class UpdateReservationDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409 version_conflict.' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptionalNotNull() @IsUUID() guestId?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @Length(1, 50) confirmationNumber?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  roomNumber?: string | null;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @Length(1, 50) roomType?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptionalNotNull() @IsCalendarDate() arrivalDate?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptionalNotNull() @IsCalendarDate() departureDate?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsISO8601({ strict: true })
  estimatedArrival?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsISO8601({ strict: true })
  estimatedDeparture?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 50) rateCode?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(9_999_999_999)
  totalRate?: number | null;
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsNumber(MONEY)
  @Min(-9_999_999_999)
  @Max(9_999_999_999)
  balance?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  specialRequests?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  notes?: string[];
}

export class CheckInDto {
  @ApiPropertyOptional({ example: '204', description: 'Assign the room at check-in.' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  roomNumber?: string;
}

export class DayQueryDto {
  @ApiPropertyOptional({ format: 'date', description: "Default: today in the property's time zone." })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class ListReservationsQueryDto {
  @ApiPropertyOptional({ enum: RESERVATION_STATUSES })
  @IsOptional()
  @IsIn(RESERVATION_STATUSES)
  status?: (typeof RESERVATION_STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() guestId?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Stays still running after this date.' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Stays arriving on or before this date.' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) cursor?: string;
}

export class ReservationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) guestId: string;
  @ApiProperty() guestName: string;
  @ApiProperty() confirmationNumber: string;
  @ApiPropertyOptional({ nullable: true, type: String }) externalId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) roomNumber: string | null;
  @ApiProperty() roomType: string;
  @ApiProperty({ format: 'date' }) arrivalDate: string;
  @ApiProperty({ format: 'date' }) departureDate: string;
  @ApiProperty({ enum: RESERVATION_STATUSES }) status: string;
  @ApiPropertyOptional({ nullable: true, type: String }) estimatedArrival: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actualArrival: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) estimatedDeparture: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actualDeparture: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) rateCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '540.50' }) totalRate: string | null;
  @ApiProperty({ example: '0.00' }) balance: string;
  @ApiProperty({ type: [String] }) specialRequests: string[];
  @ApiProperty({ type: [String] }) notes: string[];
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    description: "The PMS's own last change of this reservation, as last synced.",
  })
  pmsUpdatedAt: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    description: 'When a PMS import or webhook last changed this reservation.',
  })
  syncedAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ReservationPageDto {
  @ApiProperty({ type: [ReservationDto] }) items: ReservationDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class DayViewDto {
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ type: [ReservationDto] }) items: ReservationDto[];
}
