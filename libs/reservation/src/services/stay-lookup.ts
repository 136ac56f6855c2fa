import { localDate, PropertiesRepository, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ReservationsRepository } from '../repositories/reservations.repository';

/** A stay as other contexts see it. */
export interface Stay {
  reservationId: string;
  confirmationNumber: string;
  roomNumber: string | null;
  roomType: string;
  status: string;
  arrivalDate: string;
  departureDate: string;
}

/**
 * A guest's stays that matter on one of the property's dates (`on`, YYYY-MM-DD): the one under
 * way and the next confirmed one; either may be null.
 */
export interface Stays {
  on: string;
  current: Stay | null;
  next: Stay | null;
}

/** The stay a conversation is about: the one under way, else the next. */
export const stayOfConversation = (stays: Stays): Stay | null => stays.current ?? stays.next;

/**
 * The reservation context's public lookup (through index.ts) for other contexts: which stay a
 * guest's message is about. Runs inside the caller's property transaction.
 */
@Injectable()
export class StayLookup {
  constructor(
    private readonly db: TenantDb,
    private readonly reservations: ReservationsRepository,
    private readonly properties: PropertiesRepository,
  ) {}

  /** The property's date now (no round trip where the transaction has read the property already). */
  async today(): Promise<string> {
    return localDate((await this.properties.findById(this.db.propertyId))?.timezone ?? 'UTC');
  }

  /** The stay under way, else the next confirmed one (by the property's local date), else null. */
  async currentOrNextReservationId(guestId: string): Promise<string | null> {
    const today = await this.today();
    return (await this.reservations.currentOrNext(this.db.propertyId, guestId, today)) ?? null;
  }

  /**
   * The guest's stay under way (checked in, or confirmed and spanning the property's today, or
   * the date `on`) and the next confirmed one; either may be null. The first of the two is the
   * one `currentOrNextReservationId` names.
   */
  async staysOf(guestId: string, on?: string): Promise<Stays> {
    const propertyId = this.db.propertyId;
    const today = on ?? (await this.today());
    const rows = await this.reservations.staysAround(propertyId, guestId, today);
    const stay = (r: (typeof rows)[number]): Stay => ({
      reservationId: r.id,
      confirmationNumber: r.confirmation_number,
      roomNumber: r.room_number,
      roomType: r.room_type,
      status: r.status,
      arrivalDate: r.arrival_date,
      departureDate: r.departure_date,
    });
    const current = rows.find((r) => r.current);
    const next = rows.find((r) => !r.current);
    return { on: today, current: current ? stay(current) : null, next: next ? stay(next) : null };
  }
}
