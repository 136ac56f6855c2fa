import { Injectable } from '@nestjs/common';

export interface GuestMerge {
  propertyId: string;
  sourceGuestId: string;
  targetGuestId: string;
}

/** Moves one context's rows from the source guest to the target, in the merge's transaction. */
export type GuestMergeParticipant = (merge: GuestMerge) => Promise<void>;

/**
 * Contexts that hold rows pointing at guests (reservations, conversations, tasks) register here
 * at module init; a merge runs every participant inside its one transaction, so either all rows
 * follow the target or nothing changes. The `guest.merged` event then tells everyone else.
 */
@Injectable()
export class GuestMergeParticipants {
  private readonly participants = new Map<string, GuestMergeParticipant>();

  register(context: string, participant: GuestMergeParticipant): void {
    if (this.participants.has(context)) throw new Error(`${context} already takes part in guest merges`);
    this.participants.set(context, participant);
  }

  async run(merge: GuestMerge): Promise<void> {
    for (const participant of this.participants.values()) await participant(merge);
  }
}
