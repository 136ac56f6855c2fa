import { type StayDelta, type SyncedGuest } from '@app/guest';
import { uuidv7 } from '@app/platform';
import { DateTime } from 'luxon';

import { type SyncedReservation } from '../repositories/pms-reservations.repository';
import { type ReservationStatus } from '../repositories/reservations.repository';
import { type PmsGuestInput, type PmsRecord, RowErrorCode, RowRejected } from './pms-record.parser';

export type Change = 'created' | 'updated' | 'unchanged';

export interface RowOutcome {
  line: number;
  change: Change;
  guest?: Change;
  reservation?: Change;
  /** Some of the row's data was older than what we hold and was skipped. */
  stale: boolean;
}

interface GuestState {
  row: SyncedGuest;
  /** The row as read from the database; null for a row this batch creates. */
  saved: SyncedGuest | null;
  stays?: StayDelta;
}

interface ReservationState {
  row: SyncedReservation;
  saved: SyncedReservation | null;
  events: Set<string>;
}

const STATUS_EVENTS: Partial<Record<ReservationStatus, string>> = {
  checked_in: 'reservation.checked_in',
  checked_out: 'reservation.checked_out',
  cancelled: 'reservation.cancelled',
  no_show: 'reservation.no_show',
};

/** Field-by-field equality of two rows of the same shape (arrays compared element-wise). */
function sameFields<T extends object>(a: T, b: T, except?: keyof T): boolean {
  for (const key of Object.keys(a) as (keyof T)[]) {
    if (key === except) continue;
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((v, i) => v !== y[i]))
      return false;
  }
  return true;
}

/**
 * How PMS data dates against what we hold (both the PMS's own `updatedAt`, ISO UTC): `apply` when
 * newer or when we hold no PMS date; `same` when already applied (skipped, so local edits since
 * stay); `older` when older, or undated while ours is dated (skipped and reported stale).
 */
function dating(incoming: string | undefined, held: string | null): 'apply' | 'same' | 'older' {
  if (held === null) return 'apply';
  if (incoming === undefined || incoming < held) return 'older';
  return incoming === held ? 'same' : 'apply';
}

/**
 * Applies PMS records, in order, to an in-memory copy of the rows they touch (loaded and locked
 * by the caller); each record is all-or-nothing: a rejected record leaves the copy as it was.
 * The caller then writes what changed with a few set-based statements.
 */
export class SyncBatch {
  private readonly guests = new Map<string, GuestState>();
  private readonly guestsByPms = new Map<string, GuestState>();
  private readonly guestsByEmail = new Map<string, GuestState>();
  private readonly guestsByPhone = new Map<string, GuestState>();
  private readonly reservations = new Map<string, ReservationState>();
  private readonly byExternalId = new Map<string, ReservationState>();
  private readonly byConfirmation = new Map<string, ReservationState>();

  constructor(
    guests: SyncedGuest[],
    reservations: SyncedReservation[],
    private readonly zone: string,
    private readonly now: string,
  ) {
    for (const row of guests) this.indexGuest({ row, saved: row });
    for (const row of reservations) this.indexReservation({ row, saved: row, events: new Set() });
  }

  /** Applies one record, or throws RowRejected having changed nothing. */
  apply(record: PmsRecord): RowOutcome {
    const rIn = record.reservation;
    const existing = rIn ? this.byExternalId.get(rIn.externalId) : undefined;
    if (!rIn) {
      if (!record.guest)
        throw new RowRejected(RowErrorCode.InvalidRow, 'the row has no guest or reservation data');
      const plan = this.planGuest(record.guest, undefined);
      this.commitGuest(plan.state, plan.row);
      return { line: record.line, change: plan.change, guest: plan.change, stale: plan.stale };
    }
    if (!existing && !record.guest && !this.byConfirmation.has(rIn.confirmationNumber ?? rIn.externalId))
      throw new RowRejected(
        RowErrorCode.MissingField,
        'a new reservation needs its guest (guestExternalId, a name, email or phone)',
        'guest',
      );
    const dated = existing ? dating(rIn.updatedAt, existing.row.pmsUpdatedAt) : 'apply';
    const guestPlan = record.guest ? this.planGuest(record.guest, existing) : undefined;
    const next = dated === 'apply' ? this.planReservation(rIn, existing, guestPlan?.row.id) : undefined;
    // Commit: guest first (a new reservation points at it), then the reservation and its stay.
    if (guestPlan) this.commitGuest(guestPlan.state, guestPlan.row);
    let reservation: Change = 'unchanged';
    if (next) reservation = this.commitReservation(existing, next);
    const guest = guestPlan?.change;
    const change: Change =
      reservation === 'created'
        ? 'created'
        : reservation === 'updated' || (guest && guest !== 'unchanged')
          ? 'updated'
          : 'unchanged';
    return {
      line: record.line,
      change,
      guest,
      reservation,
      stale: dated === 'older' || Boolean(guestPlan?.stale),
    };
  }

  /** New and changed rows, for the caller to write. */
  changes() {
    const guests = [...this.guests.values()];
    const reservations = [...this.reservations.values()];
    const changed = (s: { row: object; saved: object | null }) => !sameFields(s.row, s.saved!);
    return {
      guestInserts: guests.filter((g) => g.saved === null).map((g) => ({ guest: g.row, stays: g.stays })),
      guestUpdates: guests
        .filter((g) => g.saved !== null && (changed(g) || g.stays))
        .map((g) => ({ guest: g.row, stays: g.stays })),
      reservationInserts: reservations.filter((r) => r.saved === null).map((r) => r.row),
      reservationUpdates: reservations.filter((r) => r.saved !== null && changed(r)).map((r) => r.row),
      events: reservations.flatMap((r) =>
        [...r.events].map((type) => ({ type, data: { reservationId: r.row.id, guestId: r.row.guestId } })),
      ),
    };
  }

  private planGuest(input: PmsGuestInput | undefined, reservation: ReservationState | undefined) {
    const state = this.findGuest(input, reservation);
    const base: SyncedGuest = state?.row ?? {
      id: uuidv7(),
      pmsId: null,
      firstName: '',
      lastName: '',
      email: null,
      phone: null,
      language: 'en',
      loyaltyTier: null,
      vipStatus: null,
      pmsUpdatedAt: null,
      version: 1,
    };
    const dated = state ? dating(input?.updatedAt, base.pmsUpdatedAt) : 'apply';
    const stale = dated === 'older';
    if (!input || dated !== 'apply')
      return { state, row: base, change: state ? ('unchanged' as Change) : ('created' as Change), stale };
    const row: SyncedGuest = {
      ...base,
      pmsId: input.externalId ?? base.pmsId,
      firstName: input.firstName ?? base.firstName,
      lastName: input.lastName ?? base.lastName,
      email: input.email ?? base.email,
      phone: input.phone ?? base.phone,
      language: input.language ?? base.language,
      loyaltyTier: input.loyaltyTier ?? base.loyaltyTier,
      vipStatus: input.vipStatus ?? base.vipStatus,
      pmsUpdatedAt: input.updatedAt ?? base.pmsUpdatedAt,
    };
    this.assertFree(this.guestsByEmail, row.email, state, 'email');
    this.assertFree(this.guestsByPhone, row.phone, state, 'phone');
    const change: Change = !state ? 'created' : sameFields(row, base) ? 'unchanged' : 'updated';
    return { state, row, change, stale: false };
  }

  /** PMS id first; then the reservation's guest; then email, then phone (never another PMS guest's). */
  private findGuest(input: PmsGuestInput | undefined, reservation: ReservationState | undefined) {
    const pmsId = input?.externalId;
    if (pmsId) {
      const byPms = this.guestsByPms.get(pmsId);
      if (byPms) return byPms;
    }
    const current = reservation ? this.guests.get(reservation.row.guestId) : undefined;
    if (current && (!pmsId || current.row.pmsId === null)) return current;
    for (const [index, key, label] of [
      [this.guestsByEmail, input?.email, 'email'],
      [this.guestsByPhone, input?.phone, 'phone'],
    ] as const) {
      const match = key ? index.get(key) : undefined;
      if (!match) continue;
      if (pmsId && match.row.pmsId !== null && match.row.pmsId !== pmsId)
        throw new RowRejected(
          RowErrorCode.GuestConflict,
          `${label} ${key} belongs to another PMS guest (${match.row.pmsId})`,
          label,
        );
      return match;
    }
    return undefined;
  }

  private assertFree(
    index: Map<string, GuestState>,
    key: string | null,
    owner: GuestState | undefined,
    label: string,
  ): void {
    const holder = key ? index.get(key) : undefined;
    if (holder && holder !== owner)
      throw new RowRejected(RowErrorCode.GuestConflict, `${label} ${key} belongs to another guest`, label);
  }

  private planReservation(
    input: NonNullable<PmsRecord['reservation']>,
    existing: ReservationState | undefined,
    guestId: string | undefined,
  ): SyncedReservation {
    const confirmationNumber =
      input.confirmationNumber ?? existing?.row.confirmationNumber ?? input.externalId;
    const base = this.baseFor(input, existing, confirmationNumber);
    const arrivalDate = input.arrivalDate ?? base?.arrivalDate ?? input.arrivalDate!;
    const departureDate = input.departureDate ?? base?.departureDate ?? input.departureDate!;
    if (departureDate <= arrivalDate)
      throw new RowRejected(
        RowErrorCode.InvalidField,
        'departureDate must be after arrivalDate',
        'departureDate',
      );
    const status = input.status ?? base?.status ?? 'confirmed';
    return {
      id: base?.id ?? uuidv7(),
      guestId: guestId ?? base!.guestId,
      externalId: input.externalId,
      confirmationNumber,
      roomNumber: input.roomNumber ?? base?.roomNumber ?? null,
      roomType: input.roomType ?? base!.roomType,
      arrivalDate,
      departureDate,
      status,
      estimatedArrival: input.estimatedArrival ?? base?.estimatedArrival ?? null,
      estimatedDeparture: input.estimatedDeparture ?? base?.estimatedDeparture ?? null,
      ...this.actualTimes(input, base, status),
      rateCode: input.rateCode ?? base?.rateCode ?? null,
      totalRate: input.totalRate ?? base?.totalRate ?? null,
      balance: input.balance ?? base?.balance ?? '0.00',
      specialRequests: input.specialRequests ?? base?.specialRequests ?? [],
      pmsUpdatedAt: input.updatedAt ?? base?.pmsUpdatedAt ?? null,
      stayCounted: base?.stayCounted ?? false,
      version: base?.version ?? 1,
    };
  }

  /**
   * The row a record updates: its own, or a reservation entered by hand with the same
   * confirmation number (adopted rather than duplicated); none for a new one, which must then
   * carry what a reservation needs.
   */
  private baseFor(
    input: NonNullable<PmsRecord['reservation']>,
    existing: ReservationState | undefined,
    confirmationNumber: string,
  ): SyncedReservation | undefined {
    const holder = this.byConfirmation.get(confirmationNumber);
    if (holder && holder !== existing) {
      if (existing || holder.row.externalId !== null)
        throw new RowRejected(
          RowErrorCode.ReservationConflict,
          `confirmation number ${confirmationNumber} belongs to another reservation`,
          'confirmationNumber',
        );
      return holder.row;
    }
    if (!existing)
      for (const field of ['roomType', 'arrivalDate', 'departureDate'] as const)
        if (!input[field])
          throw new RowRejected(
            RowErrorCode.MissingField,
            `${field} is required for a new reservation`,
            field,
          );
    return existing?.row;
  }

  /** Arrival and departure stamps: given, held, or the PMS's change time when the status enters. */
  private actualTimes(
    input: NonNullable<PmsRecord['reservation']>,
    base: SyncedReservation | undefined,
    status: ReservationStatus,
  ): Pick<SyncedReservation, 'actualArrival' | 'actualDeparture'> {
    const entering = status !== (base?.status ?? null) ? status : null;
    const at = input.updatedAt ?? this.now;
    return {
      actualArrival:
        input.actualArrival ??
        base?.actualArrival ??
        (entering === 'checked_in' || entering === 'checked_out' ? at : null),
      actualDeparture:
        input.actualDeparture ?? base?.actualDeparture ?? (entering === 'checked_out' ? at : null),
    };
  }

  private commitGuest(state: GuestState | undefined, row: SyncedGuest): void {
    if (state) {
      this.unindexGuest(state);
      state.row = row;
      this.indexGuest(state);
    } else {
      this.indexGuest({ row, saved: null });
    }
  }

  private commitReservation(existing: ReservationState | undefined, row: SyncedReservation): Change {
    const state = existing ?? this.reservations.get(row.id);
    const before = state?.row;
    if (state) {
      this.unindexReservation(state);
      state.row = row;
      this.indexReservation(state);
    } else {
      this.indexReservation({ row, saved: null, events: new Set(['reservation.created']) });
    }
    const target = state ?? this.reservations.get(row.id)!;
    const enteredStatus = row.status !== (before?.status ?? 'confirmed') ? row.status : null;
    if (row.status === 'checked_out' && !row.stayCounted) {
      this.countStay(row);
      row.stayCounted = true;
    }
    if (!before) {
      if (enteredStatus && STATUS_EVENTS[enteredStatus]) target.events.add(STATUS_EVENTS[enteredStatus]);
      return 'created';
    }
    if (sameFields(before, row)) return 'unchanged';
    if (enteredStatus && STATUS_EVENTS[enteredStatus]) target.events.add(STATUS_EVENTS[enteredStatus]);
    if (!sameFields(before, row, 'status') || (enteredStatus && !STATUS_EVENTS[enteredStatus]))
      target.events.add('reservation.updated');
    return 'updated';
  }

  /** A checkout counts one stay on the guest: revenue, and the night it ended (local date). */
  private countStay(row: SyncedReservation): void {
    const guest = this.guests.get(row.guestId);
    if (!guest) return;
    const left = row.actualDeparture
      ? DateTime.fromISO(row.actualDeparture).setZone(this.zone).toISODate()!
      : row.departureDate;
    const date = left < row.departureDate ? left : row.departureDate;
    const stays = guest.stays ?? { count: 0, revenue: '0', lastStayDate: null };
    guest.stays = {
      count: stays.count + 1,
      revenue: (Number(stays.revenue) + Number(row.totalRate ?? 0)).toFixed(2),
      lastStayDate: stays.lastStayDate && stays.lastStayDate > date ? stays.lastStayDate : date,
    };
  }

  private indexGuest(s: GuestState): void {
    this.guests.set(s.row.id, s);
    if (s.row.pmsId) this.guestsByPms.set(s.row.pmsId, s);
    if (s.row.email) this.guestsByEmail.set(s.row.email, s);
    if (s.row.phone) this.guestsByPhone.set(s.row.phone, s);
  }

  private unindexGuest(s: GuestState): void {
    if (s.row.pmsId) this.guestsByPms.delete(s.row.pmsId);
    if (s.row.email) this.guestsByEmail.delete(s.row.email);
    if (s.row.phone) this.guestsByPhone.delete(s.row.phone);
  }

  private indexReservation(s: ReservationState): void {
    this.reservations.set(s.row.id, s);
    if (s.row.externalId) this.byExternalId.set(s.row.externalId, s);
    this.byConfirmation.set(s.row.confirmationNumber, s);
  }

  private unindexReservation(s: ReservationState): void {
    if (s.row.externalId) this.byExternalId.delete(s.row.externalId);
    this.byConfirmation.delete(s.row.confirmationNumber);
  }
}
