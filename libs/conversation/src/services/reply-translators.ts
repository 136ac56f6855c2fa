import { Injectable } from '@nestjs/common';

/** A staff reply as the guest will read it, and as staff wrote it. */
export interface ReplyTranslation {
  content: string;
  original: { language: string; content: string };
}

/**
 * Translates a staff reply into the guest's language, or says null (no translation wanted or
 * possible: the reply then goes out as written). Called outside any transaction.
 */
export type ReplyTranslator = (
  propertyId: string,
  conversationId: string,
  text: string,
) => Promise<ReplyTranslation | null>;

/**
 * Where another context (the concierge, with its LLM engine and policy) plugs in the translation
 * of staff replies; the conversation context does not know how it is done. None registered: no
 * translation.
 */
@Injectable()
export class ReplyTranslators {
  private translator: ReplyTranslator | null = null;

  register(translator: ReplyTranslator): void {
    this.translator = translator;
  }

  translate(propertyId: string, conversationId: string, text: string): Promise<ReplyTranslation | null> {
    return this.translator ? this.translator(propertyId, conversationId, text) : Promise.resolve(null);
  }
}
