import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { RESERVATION_STATUSES } from '../dtos/reservation.dto';
import { RowErrorCode } from '../services/pms-record.parser';

export class ChangeCountsDto {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() unchanged: number;
}

export class RejectedRowDto {
  @ApiProperty({
    description:
      'CSV: the line the row starts on (the header is line 1). JSON: the 1-based position in the array.',
  })
  line: number;
  @ApiProperty({ enum: RowErrorCode }) code: RowErrorCode;
  @ApiProperty({ example: 'departureDate must be after arrivalDate' }) reason: string;
  @ApiPropertyOptional({ example: 'departureDate' }) field?: string;
}

export class PmsImportReportDto {
  @ApiProperty({ enum: ['json', 'csv'] }) format: 'json' | 'csv';
  @ApiProperty({ description: 'Data rows read (created + updated + unchanged + rejected).' }) rows: number;
  @ApiProperty({ description: 'Rows that created their reservation (or, for guest-only rows, their guest).' })
  created: number;
  @ApiProperty({ description: 'Rows that changed an existing guest or reservation.' }) updated: number;
  @ApiProperty({ description: 'Rows that changed nothing (importing the same file again).' })
  unchanged: number;
  @ApiProperty() rejected: number;
  @ApiProperty({
    description:
      "Rows (counted in unchanged or updated) with data older than what we hold (by the PMS's updatedAt), which was skipped.",
  })
  stale: number;
  @ApiProperty({ type: ChangeCountsDto }) guests: ChangeCountsDto;
  @ApiProperty({ type: ChangeCountsDto }) reservations: ChangeCountsDto;
  @ApiProperty({ type: [RejectedRowDto] }) rejectedRows: RejectedRowDto[];
  @ApiProperty() durationMs: number;
}

/** Documentation of one import row / webhook record (validated by the PMS record parser). */
export class PmsGuestRecordDto {
  @ApiPropertyOptional({ example: 'G-1001', description: "The PMS's guest id (stored as externalIds.pms)." })
  externalId?: string;
  @ApiPropertyOptional({ example: 'Maria' }) firstName?: string;
  @ApiPropertyOptional({ example: 'Santos' }) lastName?: string;
  @ApiPropertyOptional({ example: 'maria@example.com' }) email?: string;
  @ApiPropertyOptional({ example: '+351 912 345 678' }) phone?: string;
  @ApiPropertyOptional({ example: 'pt' }) language?: string;
  @ApiPropertyOptional({ example: 'gold' }) loyaltyTier?: string;
  @ApiPropertyOptional({ example: 'vip1' }) vipStatus?: string;
  @ApiPropertyOptional({ format: 'date-time', description: "The PMS's last change of this guest." })
  updatedAt?: string;
}

export class PmsReservationRecordDto {
  @ApiProperty({ example: 'R-5001', description: "The PMS's reservation id." }) externalId: string;
  @ApiPropertyOptional({ example: 'MIR-48213', description: 'Defaults to externalId for a new reservation.' })
  confirmationNumber?: string;
  @ApiPropertyOptional({ example: '204' }) roomNumber?: string;
  @ApiPropertyOptional({ example: 'Deluxe Double', description: 'Required for a new reservation.' })
  roomType?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Required for a new reservation.' })
  arrivalDate?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Required for a new reservation.' })
  departureDate?: string;
  @ApiPropertyOptional({ enum: RESERVATION_STATUSES }) status?: string;
  @ApiPropertyOptional({ format: 'date-time' }) estimatedArrival?: string;
  @ApiPropertyOptional({ format: 'date-time' }) estimatedDeparture?: string;
  @ApiPropertyOptional({ format: 'date-time' }) actualArrival?: string;
  @ApiPropertyOptional({ format: 'date-time' }) actualDeparture?: string;
  @ApiPropertyOptional({ example: 'BAR' }) rateCode?: string;
  @ApiPropertyOptional({ example: '480.00' }) totalRate?: string;
  @ApiPropertyOptional({ example: '0.00' }) balance?: string;
  @ApiPropertyOptional({ type: [String] }) specialRequests?: string[];
  @ApiPropertyOptional({ format: 'date-time', description: "The PMS's last change of this reservation." })
  updatedAt?: string;
}

export class PmsImportRowDto {
  @ApiPropertyOptional({ type: PmsGuestRecordDto }) guest?: PmsGuestRecordDto;
  @ApiPropertyOptional({ type: PmsReservationRecordDto }) reservation?: PmsReservationRecordDto;
}

export const PMS_EVENT_TYPES = [
  'reservation.created',
  'reservation.updated',
  'reservation.cancelled',
  'guest.checked_in',
  'guest.checked_out',
  'guest.updated',
] as const;
export type PmsEventType = (typeof PMS_EVENT_TYPES)[number];

export class PmsWebhookEventDto {
  @ApiProperty({
    example: 'evt_01HZX3',
    description: 'Unique per event; a redelivery with the same id has no effect.',
  })
  id: string;
  @ApiProperty({ enum: PMS_EVENT_TYPES }) type: PmsEventType;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the change happened in the PMS; used as updatedAt of records that carry none.',
  })
  occurredAt?: string;
  @ApiProperty({ type: PmsImportRowDto }) data: PmsImportRowDto;
}

export class PmsWebhookAckDto {
  @ApiProperty({ enum: ['processed', 'duplicate'] }) status: 'processed' | 'duplicate';
  @ApiProperty() eventId: string;
  @ApiPropertyOptional({ enum: ['created', 'updated', 'unchanged'] }) change?: string;
  @ApiPropertyOptional({ description: 'The event was older than the data we hold and was not applied.' })
  stale?: boolean;
}

export class PmsWebhookSettingsDto {
  @ApiProperty() configured: boolean;
  @ApiProperty({ example: '/webhooks/pms/lisbon-central' }) path: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) rotatedAt: string | null;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'Until then the secret before the last rotation is still accepted.',
  })
  previousValidUntil: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) lastEventAt: string | null;
}

export class PmsWebhookSecretDto extends PmsWebhookSettingsDto {
  @ApiProperty({
    description: 'Shown once: store it in the PMS. Sign `<X-Timestamp>.<raw body>` with HMAC-SHA256.',
  })
  secret: string;
}
