import { PropertiesRepository, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { ReservationsRepository } from '../repositories/reservations.repository';

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

  /** The stay under way, else the next confirmed one (by the property's local date), else null. */
  async currentOrNextReservationId(guestId: string): Promise<string | null> {
    const propertyId = this.db.propertyId;
    const zone = (await this.properties.findById(propertyId))?.timezone ?? 'UTC';
    const today = DateTime.now().setZone(zone).toISODate()!;
    return (await this.reservations.currentOrNext(propertyId, guestId, today)) ?? null;
  }
}
