import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * For the concierge's LLM engine.
 *
 * Translations kept with messages:
 * - `translation`: a guest message in the property's language, for staff
 *   (`{ language, content, engine }`); the guest's own words stay in `content`.
 * - `original`: a staff reply as written, before it was translated into the guest's language
 *   (`{ language, content }`); `content` is what the guest received.
 *
 * `concierge.decision_traces.fallback`: why the LLM engine did not decide a message it should
 * have (a timeout, an error answer, an open circuit breaker…) and the builtin engine did.
 */
export class LlmEngine1795329000000 implements MigrationInterface {
  name = 'LlmEngine1795329000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table conversation.messages add column translation jsonb, add column original jsonb;
      alter table conversation.messages add constraint messages_translation_check
        check (translation is null or jsonb_typeof(translation) = 'object') not valid;
      alter table conversation.messages add constraint messages_original_check
        check (original is null or jsonb_typeof(original) = 'object') not valid;
      alter table conversation.messages validate constraint messages_translation_check;
      alter table conversation.messages validate constraint messages_original_check;
      alter table concierge.decision_traces add column fallback text;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table concierge.decision_traces drop column if exists fallback;
      alter table conversation.messages drop column if exists translation, drop column if exists original;
    `);
  }
}
