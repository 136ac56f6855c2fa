import { type ColumnSpec, rowsOf, SqlFilter, TenantDb, writtenColumns } from '@app/platform';
import { Injectable } from '@nestjs/common';

export type ReservationStatus = 'confirmed' | 'checked_in' | 'checked_out' | 'cancelled' | 'no_show';

export interface ReservationRow {
  id: string;
  guest_id: string;
  guest_first_name: string;
  guest_last_name: string;
  confirmation_number: string;
  external_id: string | null;
  room_number: string | null;
  room_type: string;
  arrival_date: string;
  departure_date: string;
  status: ReservationStatus;
  estimated_arrival: Date | null;
  actual_arrival: Date | null;
  estimated_departure: Date | null;
  actual_departure: Date | null;
  rate_code: string | null;
  total_rate: string | null;
  balance: string;
  special_requests: string[];
  notes: string[];
  pms_updated_at: Date | null;
  synced_at: Date | null;
  stay_counted: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ReservationWrite {
  guestId?: string;
  confirmationNumber?: string;
  externalId?: string | null;
  roomNumber?: string | null;
  roomType?: string;
  arrivalDate?: string;
  departureDate?: string;
  estimatedArrival?: string | null;
  estimatedDeparture?: string | null;
  rateCode?: string | null;
  totalRate?: number | null;
  balance?: number;
  specialRequests?: string[];
  notes?: string[];
}

const COLUMNS: { [K in keyof ReservationWrite]-?: ColumnSpec } = {
  guestId: 'guest_id',
  confirmationNumber: 'confirmation_number',
  externalId: 'external_id',
  roomNumber: 'room_number',
  roomType: 'room_type',
  arrivalDate: 'arrival_date',
  departureDate: 'departure_date',
  estimatedArrival: 'estimated_arrival',
  estimatedDeparture: 'estimated_departure',
  rateCode: 'rate_code',
  totalRate: 'total_rate',
  balance: 'balance',
  specialRequests: 'special_requests',
  notes: { column: 'notes', json: true },
};

/** Reservations with their guest's name (read from the guest schema the foreign key names). */
const SELECT = `select r.id, r.guest_id, g.first_name as guest_first_name, g.last_name as guest_last_name,
  r.confirmation_number, r.external_id, r.room_number, r.room_type,
  to_char(r.arrival_date, 'YYYY-MM-DD') as arrival_date, to_char(r.departure_date, 'YYYY-MM-DD') as departure_date,
  r.status, r.estimated_arrival, r.actual_arrival, r.estimated_departure, r.actual_departure, r.rate_code,
  r.total_rate, r.balance, r.special_requests, r.notes, r.pms_updated_at, r.synced_at, r.stay_counted, r.version, r.created_at,
  r.updated_at
  from reservation.reservations r
  join guest.guests g on g.property_id = r.property_id and g.id = r.guest_id`;

export type DayView = 'arrivals' | 'departures' | 'in-house';

const DAY_VIEWS: Record<DayView, string> = {
  arrivals: 'r.arrival_date = $2::date',
  departures: 'r.departure_date = $2::date',
  // An early checkout (on or before that local date) ends the stay before the night of the date.
  'in-house': `r.arrival_date <= $2::date and r.departure_date > $2::date
    and not (r.status = 'checked_out' and (r.actual_departure at time zone $3)::date <= $2::date)`,
};

export interface StayRow {
  id: string;
  confirmation_number: string;
  room_number: string | null;
  room_type: string;
  status: string;
  arrival_date: string;
  departure_date: string;
  current: boolean;
}

@Injectable()
export class ReservationsRepository {
  constructor(private readonly db: TenantDb) {}

  async insert(propertyId: string, write: ReservationWrite, actorId: string | null): Promise<string> {
    const c = writtenColumns(COLUMNS, write, 3);
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into reservation.reservations (property_id, created_by, updated_by${c.names.map((n) => `, ${n}`).join('')})
         values ($1, $2, $2${c.placeholders.map((p) => `, ${p}`).join('')}) returning id`,
        [propertyId, actorId, ...c.values],
      ),
    );
    return rows[0].id;
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<ReservationRow | undefined> {
    const rows = await rowsOf<ReservationRow>(
      this.db.manager.query(
        `${SELECT} where r.property_id = $1 and r.id = $2 and r.deleted_at is null${forUpdate ? ' for update of r' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** Applies changes if `version` is current; returns whether it did. */
  async update(
    propertyId: string,
    id: string,
    version: number,
    write: ReservationWrite,
    actorId: string | null,
  ) {
    const c = writtenColumns(COLUMNS, write, 5);
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update reservation.reservations
            set version = version + 1, updated_by = $4${c.names.map((n, i) => `, ${n} = ${c.placeholders[i]}`).join('')}
          where property_id = $1 and id = $2 and version = $3 and deleted_at is null returning id`,
        [propertyId, id, version, actorId, ...c.values],
      ),
    );
    return rows.length === 1;
  }

  /** Sets the status (and the stamp that goes with it) of a row the caller has locked. */
  async transition(
    propertyId: string,
    id: string,
    status: ReservationStatus,
    stamps: { actualArrival?: boolean; actualDeparture?: boolean; roomNumber?: string },
    actorId: string | null,
  ): Promise<void> {
    await this.db.manager.query(
      `update reservation.reservations
          set status = $3, updated_by = $4, version = version + 1,
              actual_arrival = case when $5::boolean then now() else actual_arrival end,
              actual_departure = case when $6::boolean then now() else actual_departure end,
              room_number = coalesce($7, room_number),
              stay_counted = stay_counted or $6::boolean
        where property_id = $1 and id = $2`,
      [
        propertyId,
        id,
        status,
        actorId,
        stamps.actualArrival ?? false,
        stamps.actualDeparture ?? false,
        stamps.roomNumber ?? null,
      ],
    );
  }

  /** The guest's stay under way, else their next one to come (from `today`, a local date). */
  async currentOrNext(propertyId: string, guestId: string, today: string): Promise<string | undefined> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `select id from reservation.reservations
          where property_id = $1 and guest_id = $2 and deleted_at is null
            and (status = 'checked_in' or (status = 'confirmed' and departure_date >= $3::date))
          order by (status = 'checked_in') desc, arrival_date, id limit 1`,
        [propertyId, guestId, today],
      ),
    );
    return rows[0]?.id;
  }

  /**
   * The guest's stays that matter to a message on `today`: the one under way (checked in, or
   * confirmed and spanning today) and the next confirmed one, as the concierge tells them.
   */
  async staysAround(propertyId: string, guestId: string, today: string): Promise<StayRow[]> {
    return rowsOf<StayRow>(
      this.db.manager.query(
        `select id, confirmation_number, room_number, room_type, status,
                to_char(arrival_date, 'YYYY-MM-DD') as arrival_date,
                to_char(departure_date, 'YYYY-MM-DD') as departure_date,
                (status = 'checked_in' or (status = 'confirmed' and arrival_date <= $3::date)) as current
           from reservation.reservations
          where property_id = $1 and guest_id = $2 and deleted_at is null
            and (status = 'checked_in' or (status = 'confirmed' and departure_date >= $3::date))
          order by (status = 'checked_in') desc, arrival_date, id limit 2`,
        [propertyId, guestId, today],
      ),
    );
  }

  /** Guests whose stay spans the night of `date` (cancellations and no-shows excluded). */
  async inHouseGuestIds(propertyId: string, date: string): Promise<string[]> {
    const rows = await rowsOf<{ guest_id: string }>(
      this.db.manager.query(
        `select distinct guest_id from reservation.reservations
          where property_id = $1 and deleted_at is null and arrival_date <= $2::date and departure_date > $2::date
            and status not in ('cancelled', 'no_show')`,
        [propertyId, date],
      ),
    );
    return rows.map((r) => r.guest_id);
  }

  /** Live reservations of a guest that are still to come or under way. */
  async openCount(propertyId: string, guestId: string): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      this.db.manager.query(
        `select count(*)::int as n from reservation.reservations
          where property_id = $1 and guest_id = $2 and deleted_at is null and status in ('confirmed', 'checked_in')`,
        [propertyId, guestId],
      ),
    );
    return rows[0].n;
  }

  /** Re-points every reservation of one guest at another (guest merge). */
  async moveGuest(propertyId: string, fromGuestId: string, toGuestId: string): Promise<void> {
    await this.db.manager.query(
      `update reservation.reservations set guest_id = $3, version = version + 1
        where property_id = $1 and guest_id = $2`,
      [propertyId, fromGuestId, toGuestId],
    );
  }

  async softDelete(propertyId: string, id: string, actorId: string | null): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update reservation.reservations set deleted_at = now(), updated_by = $3, version = version + 1
          where property_id = $1 and id = $2 and deleted_at is null returning id`,
        [propertyId, id, actorId],
      ),
    );
    return rows.length === 1;
  }

  /** Reservations of one local date, excluding cancellations and no-shows. */
  dayView(propertyId: string, view: DayView, date: string, timezone: string): Promise<ReservationRow[]> {
    return rowsOf<ReservationRow>(
      this.db.manager.query(
        `${SELECT} where r.property_id = $1 and r.deleted_at is null and ${DAY_VIEWS[view]}
           and r.status not in ('cancelled', 'no_show')
         order by r.room_number nulls last, g.last_name, r.id`,
        view === 'in-house' ? [propertyId, date, timezone] : [propertyId, date],
      ),
    );
  }

  list(
    propertyId: string,
    f: {
      status?: ReservationStatus;
      guestId?: string;
      from?: string;
      to?: string;
      after?: { arrival: string; id: string };
      limit: number;
    },
  ): Promise<ReservationRow[]> {
    const q = new SqlFilter().where('r.property_id = ?', propertyId).where('r.deleted_at is null');
    if (f.status) q.where('r.status = ?', f.status);
    if (f.guestId) q.where('r.guest_id = ?::uuid', f.guestId);
    if (f.from) q.where('r.departure_date > ?::date', f.from);
    if (f.to) q.where('r.arrival_date <= ?::date', f.to);
    if (f.after) q.where('(r.arrival_date, r.id) > (?::date, ?::uuid)', f.after.arrival, f.after.id);
    return rowsOf<ReservationRow>(
      this.db.manager.query(
        `${SELECT} where ${q.sql} order by r.arrival_date, r.id limit ${q.param(f.limit)}`,
        q.params,
      ),
    );
  }
}
