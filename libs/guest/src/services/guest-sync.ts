import { OutboxService, PropertiesRepository, TenantDb, withDefaults } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type GuestKeys,
  GuestSyncRepository,
  type StayDelta,
  type SyncedGuest,
} from '../repositories/guest-sync.repository';
import { normalizeEmail, normalizePhone } from './contact-normalizer';

export type { GuestKeys, StayDelta, SyncedGuest };

export interface GuestSyncWrite {
  guest: SyncedGuest;
  stays?: StayDelta;
}

/**
 * The guest context's set-based surface for PMS sync (through index.ts): finds (and locks) the
 * guests a batch touches, then writes the batch's new and changed guests in one statement each,
 * with their guest.created / guest.updated events. Runs inside the caller's property transaction.
 */
@Injectable()
export class GuestSync {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: GuestSyncRepository,
    private readonly properties: PropertiesRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Normalizers for the current property: E.164 phones (the property's country) and emails. */
  async contactNormalizer(): Promise<{
    phone: (raw: string) => string | undefined;
    email: (raw: string) => string;
  }> {
    const property = await this.properties.findById(this.db.propertyId);
    const country = property ? withDefaults(property.name, property.settings).country : null;
    return { phone: (raw) => normalizePhone(raw, country), email: normalizeEmail };
  }

  /** Live guests matching any key; `lock` holds them (for update) until the transaction ends. */
  findMatching(keys: GuestKeys, lock: boolean): Promise<SyncedGuest[]> {
    return this.repository.findMatching(this.db.propertyId, keys, lock);
  }

  /** Locks guests about to change; returns their versions, for a read-then-lock check. */
  lockVersions(ids: string[]): Promise<{ id: string; version: number }[]> {
    return this.repository.lockVersions(this.db.propertyId, ids);
  }

  async write(inserts: GuestSyncWrite[], updates: GuestSyncWrite[], actorId: string | null): Promise<void> {
    await this.repository.insertMany(this.db.propertyId, inserts, actorId);
    await this.repository.updateMany(this.db.propertyId, updates, actorId);
    await this.outbox.publishEvents([
      ...inserts.map((w) => ({ type: 'guest.created', data: { guestId: w.guest.id } })),
      ...updates.map((w) => ({ type: 'guest.updated', data: { guestId: w.guest.id } })),
    ]);
  }
}
