import { Injectable } from '@nestjs/common';

/**
 * Takes a guest message the conversation context has attached (to its guest, stay and
 * conversation) and deals with it: understands, answers, acts or hands it to staff. Opens its own
 * property transactions, is idempotent (a message it has dealt with is skipped) and returns what
 * it did, for the job's result. Called outside any transaction.
 */
export type InboundHandler = (propertyId: string, messageId: string) => Promise<string>;

/**
 * Where another context (the concierge) plugs in what happens to a guest message once it is
 * attached; the conversation context does not know what that is. With a handler registered the
 * inbound job calls it as its second step (one job per guest message, its retry the durability);
 * with none, the job leaves a concierge job in the outbox instead.
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

  handle(propertyId: string, messageId: string): Promise<string> {
    if (!this.handler) throw new Error('no inbound handler is registered');
    return this.handler(propertyId, messageId);
  }
}
