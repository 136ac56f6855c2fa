import { isoUtc, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ReservationStatus } from '../repositories/reservations.repository';

/** A reservation as PMS sync reads and writes it; times in UTC ISO, money as 2-decimal text. */
export interface SyncedReservation {
  id: string;
  guestId: string;
  externalId: string | null;
  confirmationNumber: string;
  roomNumber: string | null;
  roomType: string;
  arrivalDate: string;
  departureDate: string;
  status: ReservationStatus;
  estimatedArrival: string | null;
  estimatedDeparture: string | null;
  actualArrival: string | null;
  actualDeparture: string | null;
  rateCode: string | null;
  totalRate: string | null;
  balance: string;
  specialRequests: string[];
  pmsUpdatedAt: string | null;
  /** The stay has been added to the guest's statistics. */
  stayCounted: boolean;
  version: number;
}

const FIELDS = `id, guest_id as "guestId", external_id as "externalId", confirmation_number as "confirmationNumber",
  room_number as "roomNumber", room_type as "roomType", to_char(arrival_date, 'YYYY-MM-DD') as "arrivalDate",
  to_char(departure_date, 'YYYY-MM-DD') as "departureDate", status,
  ${isoUtc('estimated_arrival', 'estimatedArrival')}, ${isoUtc('estimated_departure', 'estimatedDeparture')},
  ${isoUtc('actual_arrival', 'actualArrival')}, ${isoUtc('actual_departure', 'actualDeparture')},
  rate_code as "rateCode", total_rate::text as "totalRate", balance::text as balance,
  special_requests as "specialRequests", ${isoUtc('pms_updated_at', 'pmsUpdatedAt')}, stay_counted as "stayCounted", version`;

const RECORD = `x(id uuid, guest_id uuid, external_id text, confirmation_number text, room_number text,
  room_type text, arrival_date date, departure_date date, status text, estimated_arrival timestamptz,
  estimated_departure timestamptz, actual_arrival timestamptz, actual_departure timestamptz, rate_code text,
  total_rate numeric, balance numeric, special_requests text[], pms_updated_at timestamptz,
  stay_counted boolean)`;

const toRecord = (r: SyncedReservation) => ({
  id: r.id,
  guest_id: r.guestId,
  external_id: r.externalId,
  confirmation_number: r.confirmationNumber,
  room_number: r.roomNumber,
  room_type: r.roomType,
  arrival_date: r.arrivalDate,
  departure_date: r.departureDate,
  status: r.status,
  estimated_arrival: r.estimatedArrival,
  estimated_departure: r.estimatedDeparture,
  actual_arrival: r.actualArrival,
  actual_departure: r.actualDeparture,
  rate_code: r.rateCode,
  total_rate: r.totalRate,
  balance: r.balance,
  special_requests: r.specialRequests,
  pms_updated_at: r.pmsUpdatedAt,
  stay_counted: r.stayCounted,
});

/** Set-based reads and writes of reservation.reservations for PMS sync. */
@Injectable()
export class PmsReservationsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Live reservations with any of the external ids or confirmation numbers; `lock` for update. */
  find(
    propertyId: string,
    keys: { externalIds: string[]; confirmationNumbers: string[] },
    lock: boolean,
  ): Promise<SyncedReservation[]> {
    return rowsOf<SyncedReservation>(
      this.db.manager.query(
        // One index lookup per key (see GuestSyncRepository.findMatching); array(...) runs once.
        `select ${FIELDS} from reservation.reservations
          where property_id = $1 and deleted_at is null and id = any(array(
            select r.id from unnest($2::text[]) k(v), lateral (select id from reservation.reservations
              where property_id = $1 and deleted_at is null and external_id = k.v limit 1) r
            union
            select r.id from unnest($3::text[]) k(v), lateral (select id from reservation.reservations
              where property_id = $1 and deleted_at is null and confirmation_number = k.v limit 1) r))
          order by id${lock ? ' for update' : ''}`,
        [propertyId, keys.externalIds, keys.confirmationNumbers],
      ),
    );
  }

  /** Locks reservations (in id order) and returns their current versions. */
  lockVersions(propertyId: string, ids: string[]): Promise<{ id: string; version: number }[]> {
    return rowsOf<{ id: string; version: number }>(
      this.db.manager.query(
        `select id, version from reservation.reservations
          where property_id = $1 and id = any($2::uuid[]) and deleted_at is null order by id for update`,
        [propertyId, ids],
      ),
    );
  }

  async insertMany(propertyId: string, rows: SyncedReservation[], actorId: string | null): Promise<void> {
    if (rows.length === 0) return;
    await this.db.manager.query(
      `insert into reservation.reservations (id, property_id, guest_id, external_id, confirmation_number,
              room_number, room_type, arrival_date, departure_date, status, estimated_arrival,
              estimated_departure, actual_arrival, actual_departure, rate_code, total_rate, balance,
              special_requests, pms_updated_at, stay_counted, synced_at, created_by, updated_by)
       select x.id, $1, x.guest_id, x.external_id, x.confirmation_number, x.room_number, x.room_type,
              x.arrival_date, x.departure_date, x.status, x.estimated_arrival, x.estimated_departure,
              x.actual_arrival, x.actual_departure, x.rate_code, x.total_rate, x.balance, x.special_requests,
              x.pms_updated_at, x.stay_counted, now(), $3, $3
         from jsonb_to_recordset($2::jsonb) as ${RECORD}`,
      [propertyId, JSON.stringify(rows.map(toRecord)), actorId],
    );
  }

  async updateMany(propertyId: string, rows: SyncedReservation[], actorId: string | null): Promise<void> {
    if (rows.length === 0) return;
    await this.db.manager.query(
      `update reservation.reservations r
          set guest_id = x.guest_id, external_id = x.external_id, confirmation_number = x.confirmation_number,
              room_number = x.room_number, room_type = x.room_type, arrival_date = x.arrival_date,
              departure_date = x.departure_date, status = x.status, estimated_arrival = x.estimated_arrival,
              estimated_departure = x.estimated_departure, actual_arrival = x.actual_arrival,
              actual_departure = x.actual_departure, rate_code = x.rate_code, total_rate = x.total_rate,
              balance = x.balance, special_requests = x.special_requests, pms_updated_at = x.pms_updated_at,
              stay_counted = x.stay_counted,
              synced_at = now(), version = r.version + 1, updated_by = $3
         from jsonb_to_recordset($2::jsonb) as ${RECORD}
        where r.property_id = $1 and r.id = x.id`,
      [propertyId, JSON.stringify(rows.map(toRecord)), actorId],
    );
  }
}
