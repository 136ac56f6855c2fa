import { Injectable } from '@nestjs/common';

export interface GuestMerge {
  propertyId: string;
  sourceGuestId: string;
  targetGuestId: string;
}

/** Guests staying over the night of a date (YYYY-MM-DD), as the reservation context knows them. */
export type InHouseGuestSource = (propertyId: string, date: string) => Promise<string[]>;

/** Moves one context's rows from the source guest to the target, in the merge's transaction. */
export type GuestMergeParticipant = (merge: GuestMerge) => Promise<void>;

/**
 * How other contexts plug into the guest context without the guest context depending on them.
 * Contexts that hold rows pointing at guests (reservations, conversations, tasks) register a merge
 * participant at module init; a merge runs every participant inside its one transaction, so either
 * all rows follow the target or nothing changes (the `guest.merged` event then tells everyone
 * else). The reservation context also answers which guests are in house on a date.
 */
@Injectable()
export class GuestLinks {
  private readonly participants = new Map<string, GuestMergeParticipant>();
  private inHouse?: InHouseGuestSource;

  register(context: string, participant: GuestMergeParticipant): void {
    if (this.participants.has(context)) throw new Error(`${context} already takes part in guest merges`);
    this.participants.set(context, participant);
  }

  async run(merge: GuestMerge): Promise<void> {
    for (const participant of this.participants.values()) await participant(merge);
  }

  /** The reservation context answers "who is in house" (the guest context holds no stays). */
  provideInHouse(source: InHouseGuestSource): void {
    this.inHouse = source;
  }

  async inHouseGuestIds(propertyId: string, date: string): Promise<string[]> {
    if (!this.inHouse)
      throw new Error('no context provides in-house guests (is the reservation module loaded?)');
    return this.inHouse(propertyId, date);
  }
}
