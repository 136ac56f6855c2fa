import { GuestDirectory } from '@app/guest';
import {
  decodeCursor,
  isUuid,
  keysetPage,
  localDate,
  OutboxService,
  PropertiesRepository,
  type PropertyAccess,
  uniqueViolation,
} from '@app/platform';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import {
  type CreateReservationDto,
  type DayViewDto,
  type ListReservationsQueryDto,
  type ReservationDto,
  type ReservationPageDto,
  type UpdateReservationDto,
} from '../dtos/reservation.dto';
import {
  InvalidTransitionException,
  ReservationGuestNotFoundException,
  ReservationNotFoundException,
  ReservationTakenException,
  ReservationVersionConflictException,
  StayDatesException,
} from '../exceptions/reservation.exceptions';
import {
  type DayView,
  type ReservationRow,
  ReservationsRepository,
  type ReservationStatus,
} from '../repositories/reservations.repository';

/** confirmed → checked_in → checked_out; confirmed → cancelled | no_show. Nothing else. */
const TRANSITIONS: Record<
  'check_in' | 'check_out' | 'cancel' | 'no_show',
  { from: ReservationStatus; to: ReservationStatus; event: string }
> = {
  check_in: { from: 'confirmed', to: 'checked_in', event: 'reservation.checked_in' },
  check_out: { from: 'checked_in', to: 'checked_out', event: 'reservation.checked_out' },
  cancel: { from: 'confirmed', to: 'cancelled', event: 'reservation.cancelled' },
  no_show: { from: 'confirmed', to: 'no_show', event: 'reservation.no_show' },
};
export type ReservationAction = keyof typeof TRANSITIONS;
const CLOSED: ReservationStatus[] = ['checked_out', 'cancelled', 'no_show'];

@Injectable()
export class ReservationsService {
  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly guests: GuestDirectory,
    private readonly properties: PropertiesRepository,
    private readonly outbox: OutboxService,
  ) {}

  async create(access: PropertyAccess, dto: CreateReservationDto): Promise<ReservationDto> {
    if (dto.departureDate <= dto.arrivalDate) throw new StayDatesException();
    if (!(await this.guests.exists(dto.guestId))) throw new ReservationGuestNotFoundException();
    const id = await this.reservations.insert(access.propertyId, dto, access.userId).catch(mapWriteError);
    await this.outbox.publishEvent('reservation.created', { reservationId: id, guestId: dto.guestId });
    return this.get(access, id);
  }

  async get(access: PropertyAccess, id: string): Promise<ReservationDto> {
    return toDto(await this.require(access.propertyId, id));
  }

  async list(access: PropertyAccess, q: ListReservationsQueryDto): Promise<ReservationPageDto> {
    const limit = q.limit ?? 25;
    const rows = await this.reservations.list(access.propertyId, {
      status: q.status,
      guestId: q.guestId,
      from: q.from,
      to: q.to,
      after: q.cursor ? arrivalCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toDto, (r) => [r.arrival_date, r.id]);
  }

  async update(access: PropertyAccess, id: string, dto: UpdateReservationDto): Promise<ReservationDto> {
    const { version, ...changes } = dto;
    const current = await this.require(access.propertyId, id, true);
    if (CLOSED.includes(current.status)) throw new InvalidTransitionException(current.status, 'be edited');
    const arrival = changes.arrivalDate ?? current.arrival_date;
    const departure = changes.departureDate ?? current.departure_date;
    if (departure <= arrival) throw new StayDatesException();
    if (changes.guestId && !(await this.guests.exists(changes.guestId)))
      throw new ReservationGuestNotFoundException();
    const updated = await this.reservations
      .update(access.propertyId, id, version, changes, access.userId)
      .catch(mapWriteError);
    if (!updated) throw new ReservationVersionConflictException(current.version);
    await this.outbox.publishEvent('reservation.updated', {
      reservationId: id,
      guestId: changes.guestId ?? current.guest_id,
    });
    return this.get(access, id);
  }

  async remove(access: PropertyAccess, id: string): Promise<void> {
    if (!(await this.reservations.softDelete(access.propertyId, id, access.userId)))
      throw new ReservationNotFoundException();
    await this.outbox.publishEvent('reservation.deleted', { reservationId: id });
  }

  /** Applies a status action; checkout also counts the stay on the guest's profile. */
  async act(
    access: PropertyAccess,
    id: string,
    action: ReservationAction,
    roomNumber?: string,
  ): Promise<ReservationDto> {
    const t = TRANSITIONS[action];
    if (action === 'check_out') {
      // Checkout changes the guest too: lock the guest before the reservation, the order a merge
      // uses, so the two cannot deadlock.
      const peek = await this.require(access.propertyId, id);
      await this.guests.lock(peek.guest_id);
    }
    const current = await this.require(access.propertyId, id, true);
    if (current.status !== t.from)
      throw new InvalidTransitionException(current.status, action.replace('_', '-'));
    await this.reservations.transition(
      access.propertyId,
      id,
      t.to,
      { actualArrival: action === 'check_in', actualDeparture: action === 'check_out', roomNumber },
      access.userId,
    );
    if (action === 'check_out' && !current.stay_counted) {
      // The stay ended at the planned departure, or today if the guest leaves early (a stay the
      // PMS already counted, before moving it back in house, is not counted twice).
      const today = await this.localToday(access.propertyId);
      await this.guests.recordStay(current.guest_id, {
        revenue: current.total_rate,
        date: current.departure_date < today ? current.departure_date : today,
      });
    }
    await this.outbox.publishEvent(t.event, { reservationId: id, guestId: current.guest_id });
    return this.get(access, id);
  }

  async dayView(access: PropertyAccess, view: DayView, date?: string): Promise<DayViewDto> {
    const timezone = await this.timezone(access.propertyId);
    const day = date ?? localDate(timezone);
    const rows = await this.reservations.dayView(access.propertyId, view, day, timezone);
    return { date: day, timezone, items: rows.map(toDto) };
  }

  private async localToday(propertyId: string): Promise<string> {
    return localDate(await this.timezone(propertyId));
  }

  private async timezone(propertyId: string): Promise<string> {
    return (await this.properties.findById(propertyId))?.timezone ?? 'UTC';
  }

  private async require(propertyId: string, id: string, forUpdate = false): Promise<ReservationRow> {
    const row = await this.reservations.findById(propertyId, id, forUpdate);
    if (!row) throw new ReservationNotFoundException();
    return row;
  }
}

function mapWriteError(err: unknown): never {
  if (uniqueViolation(err, 'reservations_confirmation_key'))
    throw new ReservationTakenException('confirmationNumber');
  if (uniqueViolation(err, 'reservations_external_key')) throw new ReservationTakenException('externalId');
  const code =
    (err as { code?: string; driverError?: { code?: string } })?.driverError?.code ??
    (err as { code?: string })?.code;
  if (code === '23503') throw new ReservationGuestNotFoundException();
  throw err;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toDto(r: ReservationRow): ReservationDto {
  return {
    id: r.id,
    guestId: r.guest_id,
    guestName: `${r.guest_first_name} ${r.guest_last_name}`.trim(),
    confirmationNumber: r.confirmation_number,
    externalId: r.external_id,
    roomNumber: r.room_number,
    roomType: r.room_type,
    arrivalDate: r.arrival_date,
    departureDate: r.departure_date,
    status: r.status,
    estimatedArrival: iso(r.estimated_arrival),
    actualArrival: iso(r.actual_arrival),
    estimatedDeparture: iso(r.estimated_departure),
    actualDeparture: iso(r.actual_departure),
    rateCode: r.rate_code,
    totalRate: r.total_rate,
    balance: r.balance,
    specialRequests: r.special_requests,
    notes: r.notes,
    pmsUpdatedAt: iso(r.pms_updated_at),
    syncedAt: iso(r.synced_at),
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Cursor of the (arrival date, id) order. */
function arrivalCursor(cursor: string): { arrival: string; id: string } {
  const [arrival, id] = decodeCursor(
    cursor,
    (k): k is [string, string] =>
      k.length === 2 &&
      typeof k[0] === 'string' &&
      DateTime.fromISO(k[0]).isValid &&
      /^\d{4}-\d{2}-\d{2}$/.test(k[0]) &&
      isUuid(k[1]),
  );
  return { arrival, id };
}
