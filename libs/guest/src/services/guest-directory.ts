import { OutboxService, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type GuestRow, GuestsRepository } from '../repositories/guests.repository';
import { normalizeEmail } from './contact-normalizer';
import { GuestsService } from './guests.service';

export interface ChannelIdentity {
  phone?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

/** What other contexts (the concierge) may read of a guest: no contact details. */
export interface GuestProfile {
  guestId: string;
  firstName: string;
  /** The profile's language when it came from somewhere (a PMS, staff), else null. */
  language: string | null;
  loyaltyTier: string | null;
  vipStatus: string | null;
  preferences: { category: string; key: string; value: string; source: string }[];
}

export interface GuestRef {
  guestId: string;
  created: boolean;
}

/** A guest found or made by a channel identity, with its profile as read in the same statement. */
export interface FoundGuest extends GuestRef {
  profile: GuestProfile;
}

/** The concierge's view of a guest row. */
function profileOf(row: GuestRow): GuestProfile {
  // The column defaults to 'en' for stubs made from a phone or an address: only a PMS profile's is evidence.
  const known = Object.keys(row.external_ids).length > 0;
  return {
    guestId: row.id,
    firstName: row.first_name,
    language: known ? row.language : null,
    loyaltyTier: row.loyalty_tier,
    vipStatus: row.vip_status,
    preferences: row.preferences,
  };
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

  /** The guest's profile as the concierge uses it; undefined when the guest is gone. */
  async profile(guestId: string): Promise<GuestProfile | undefined> {
    const row = await this.guests.findById(this.db.propertyId, guestId);
    return row ? profileOf(row) : undefined;
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

  async findOrCreateByIdentity(identity: ChannelIdentity): Promise<FoundGuest> {
    const propertyId = this.db.propertyId;
    const phone = identity.phone ? await this.service.phone(propertyId, identity.phone) : undefined;
    const email = identity.email ? normalizeEmail(identity.email) : undefined;
    if (!phone && !email) throw new Error('findOrCreateByIdentity needs a phone or an email');
    // Found, or made, in one statement. Concurrent first messages: the phone and email are unique
    // keys, so only one stub is made, whichever keys each caller knows; the others wait for it and
    // then find it.
    const got = await this.guests.findOrInsertByContact(
      propertyId,
      { phone, email },
      { phone, email, firstName: identity.firstName ?? '', lastName: identity.lastName ?? '' },
      null,
    );
    if (got && !got.created) return { guestId: got.row.id, created: false, profile: profileOf(got.row) };
    const row = got?.row;
    if (!row) {
      const raced = await this.guests.findByContact(propertyId, { phone, email });
      // Taken and gone again (merged or deleted meanwhile): the caller's retry starts over.
      if (!raced) throw new Error('guest contact was taken and released concurrently; retry');
      return { guestId: raced.id, created: false, profile: profileOf(raced) };
    }
    await this.outbox.publishEvent('guest.created', { guestId: row.id });
    return { guestId: row.id, created: true, profile: profileOf(row) };
  }

  /** A profile for a visitor known by nothing yet (a web chat session); staff complete it later. */
  async createAnonymous(language?: string): Promise<GuestRef> {
    const row = await this.guests.insert(this.db.propertyId, { firstName: '', lastName: '', language }, null);
    await this.outbox.publishEvent('guest.created', { guestId: row.id });
    return { guestId: row.id, created: true };
  }
}
