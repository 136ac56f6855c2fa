import { type GuestProfile } from '@app/guest';
import { type Stays } from '@app/reservation';
import { Injectable } from '@nestjs/common';

/**
 * Takes a guest message the conversation context has just attached (to its guest, stay and
 * conversation) and deals with it: understands, answers, acts or hands it to staff. Called in the
 * property transaction that attached it, and idempotent (a message it has dealt with is
 * skipped). Returns what it did, for the job's result, or what it has left to do outside that
 * transaction (a call to an LLM, say), which opens transactions of its own.
 */
export type InboundHandler = (
  propertyId: string,
  messageId: string,
  attached?: AttachedTo,
) => Promise<InboundHandled>;

/**
 * What the attaching job knows of the message's conversation, passed so the handler can ask for
 * what it needs alongside its first reads, or skip reads the job made in the same transaction.
 * The handler checks it against what it reads: the guest's id against the conversation's, the
 * conversation's id, and the date the stays were read for against its own.
 */
export interface AttachedTo {
  guestId: string | null;
  /**
   * The conversation the job opened for this message, in this transaction, with the guest's
   * profile and stays as it read them there: the conversation has no history yet, and they need
   * not be read again.
   */
  opened?: { conversationId: string; profile: GuestProfile; stays: Stays };
}

/** What an inbound handler did, or the rest of its work, to run once the transaction committed. */
export type InboundHandled = string | (() => Promise<string>);

/**
 * Where another context (the concierge) plugs in what happens to a guest message once it is
 * attached; the conversation context does not know what that is. With a handler registered the
 * inbound job calls it in the transaction that attached the message (one job and, unless an LLM
 * is asked, one transaction per guest message); with none, the job leaves a concierge job in the
 * outbox instead.
 */
@Injectable()
export class InboundHandoff {
  private handler: InboundHandler | null = null;

  register(handler: InboundHandler): void {
    this.handler = handler;
  }

  get registered(): boolean {
    return this.handler !== null;
  }

  handle(propertyId: string, messageId: string, attached?: AttachedTo): Promise<InboundHandled> {
    if (!this.handler) throw new Error('no inbound handler is registered');
    return this.handler(propertyId, messageId, attached);
  }
}
