import { OutboxService, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { GuestsRepository } from '../repositories/guests.repository';
import { normalizeEmail } from './contact-normalizer';
import { GuestsService } from './guests.service';

export interface ChannelIdentity {
  phone?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

export interface GuestRef {
  guestId: string;
  created: boolean;
}

/**
 * The guest context's public lookup for other contexts (conversations, imports): finds the
 * guest of the current property by phone or email, or creates a stub profile. Runs inside the
 * caller's property transaction.
 */
@Injectable()
export class GuestDirectory {
  constructor(
    private readonly db: TenantDb,
    private readonly guests: GuestsRepository,
    private readonly service: GuestsService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * True when the guest exists (and is not deleted) in the current property. The row stays
   * share-locked until the caller's transaction ends, so a concurrent merge or delete cannot
   * strand what the caller is about to point at it.
   */
  async exists(guestId: string): Promise<boolean> {
    return (await this.guests.findById(this.db.propertyId, guestId, 'share')) !== undefined;
  }

  /** Locks the guest for update (callers that change a guest and other rows lock the guest first). */
  async lock(guestId: string): Promise<boolean> {
    return (await this.guests.findById(this.db.propertyId, guestId, 'update')) !== undefined;
  }

  /** Counts a completed stay: stay count, lifetime revenue and last stay date. */
  async recordStay(guestId: string, stay: { revenue: string | null; date: string }): Promise<void> {
    await this.guests.recordStay(this.db.propertyId, guestId, stay.revenue ?? '0', stay.date);
    await this.outbox.publishEvent('guest.updated', { guestId });
  }

  async findOrCreateByIdentity(identity: ChannelIdentity): Promise<GuestRef> {
    const propertyId = this.db.propertyId;
    const phone = identity.phone ? await this.service.phone(propertyId, identity.phone) : undefined;
    const email = identity.email ? normalizeEmail(identity.email) : undefined;
    if (!phone && !email) throw new Error('findOrCreateByIdentity needs a phone or an email');
    const found = await this.guests.findByContact(propertyId, { phone, email });
    if (found) return { guestId: found.id, created: false };
    // Concurrent first messages: lock every key of the identity (in a fixed order) so only one
    // stub is made, whichever keys each caller knows.
    for (const key of [phone, email].filter((k): k is string => Boolean(k)).sort()) {
      await this.db.manager.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `guest:${propertyId}:${key}`,
      ]);
    }
    const raced = await this.guests.findByContact(propertyId, { phone, email });
    if (raced) return { guestId: raced.id, created: false };
    const row = await this.guests.insert(
      propertyId,
      { phone, email, firstName: identity.firstName ?? '', lastName: identity.lastName ?? '' },
      null,
    );
    await this.outbox.publishEvent('guest.created', { guestId: row.id });
    return { guestId: row.id, created: true };
  }

  /** A profile for a visitor known by nothing yet (a web chat session); staff complete it later. */
  async createAnonymous(language?: string): Promise<GuestRef> {
    const row = await this.guests.insert(this.db.propertyId, { firstName: '', lastName: '', language }, null);
    await this.outbox.publishEvent('guest.created', { guestId: row.id });
    return { guestId: row.id, created: true };
  }
}
