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

/** Why a guest may not be deleted now (e.g. "2 open reservations"), or null when it may. */
export type GuestDeleteGuard = (propertyId: string, guestId: string) => Promise<string | null>;

/**
 * How other contexts plug into the guest context without the guest context depending on them.
 * Contexts that hold rows pointing at guests (reservations, conversations, tasks) register a merge
 * participant at module init; a merge runs every participant inside its one transaction, so either
 * all rows follow the target or nothing changes (the `guest.merged` event then tells everyone
 * else). The reservation context also answers which guests are in house on a date, and vetoes
 * deleting a guest who still has open reservations.
 */
@Injectable()
export class GuestLinks {
  private readonly participants = new Map<string, GuestMergeParticipant>();
  private readonly deleteGuards: GuestDeleteGuard[] = [];
  private inHouse?: InHouseGuestSource;

  register(context: string, participant: GuestMergeParticipant): void {
    if (this.participants.has(context)) throw new Error(`${context} already takes part in guest merges`);
    this.participants.set(context, participant);
  }

  async run(merge: GuestMerge): Promise<void> {
    for (const participant of this.participants.values()) await participant(merge);
  }

  /** A context whose live rows need the guest (open reservations) vetoes its deletion. */
  guardDeletion(guard: GuestDeleteGuard): void {
    this.deleteGuards.push(guard);
  }

  /** The reasons, if any, why the guest may not be deleted (run with the guest locked). */
  async deletionBlockers(propertyId: string, guestId: string): Promise<string[]> {
    const reasons = await Promise.all(this.deleteGuards.map((guard) => guard(propertyId, guestId)));
    return reasons.filter((r): r is string => r !== null);
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
