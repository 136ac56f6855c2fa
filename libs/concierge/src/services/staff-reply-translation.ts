import { ConversationGateway, type ReplyTranslation } from '@app/conversation';
import { AppConfig, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { baseLanguage, detectLanguage } from '../engine/language-detector';
import { OpenAiEngine } from '../engine/llm/openai-engine';
import { AiPolicyService } from './ai-policy.service';

/**
 * Staff replies in the guest's language: when the property's concierge runs the openai engine
 * and the guest writes in another language than the reply, the reply is translated (the original
 * kept with the message). Registered with the conversation context's ReplyTranslators.
 */
@Injectable()
export class StaffReplyTranslation {
  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly gateway: ConversationGateway,
    private readonly policies: AiPolicyService,
    private readonly llm: OpenAiEngine,
  ) {}

  async translate(
    propertyId: string,
    conversationId: string,
    text: string,
  ): Promise<ReplyTranslation | null> {
    const found = await this.db.run({ propertyId }, async () => ({
      ...(await this.policies.forProperty(propertyId)),
      conversation: await this.gateway.conversation(conversationId),
    }));
    const { property, policy, conversation } = found;
    const engine = policy.engine ?? this.config.AI_PROVIDER;
    const guest = conversation?.guestLanguage;
    if (!guest || !property.aiEnabled || engine !== 'openai' || !this.llm.available) return null;
    const written = detectLanguage(
      text,
      { conversation: null, guest: null, property: property.language },
      property.supported,
    ).language;
    if (baseLanguage(written) === baseLanguage(guest)) return null;
    const out = await this.llm.translate(text, baseLanguage(guest), written);
    return out && { content: out.content, original: { language: written, content: text } };
  }
}
