import { ConversationGateway } from '@app/conversation';
import { type KnowledgeGapSummary, type KnowledgeHealthContributor } from '@app/knowledge';
import { TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type GapExample,
  type GapRow,
  type GapSource,
  KnowledgeGapsRepository,
} from '../repositories/knowledge-gaps.repository';
import { GAP_SIMILARITY, gapTerms, termSimilarity } from './gap-terms';

/** A guest question the concierge could not answer well. */
export interface UnansweredQuestion {
  /** The guest's message. */
  messageId: string;
  conversationId: string;
  question: string;
  language: string;
  /** Why it counts: escalated for lack of knowledge, or an AI reply staff rated unhelpful. */
  source: GapSource;
  /** What staff say the answer is (a correction given with the rating). */
  answer?: string | null;
}

/** Examples kept per gap, newest first; the gap's first question stays its title. */
const EXAMPLES = 5;
/** The most recently asked open or drafted gaps a new question is compared with. */
const CANDIDATES = 500;
const MAX_TEXT = 1000;

/**
 * Knowledge gaps as the concierge records them: each unanswered question joins the most similar
 * open (or drafted) gap of the property, or starts a new one. Runs in the caller's property
 * transaction, so a gap is counted exactly when the escalation or the rating is saved; a
 * transaction-scoped lock per property keeps two similar questions arriving at once from
 * starting two gaps.
 */
@Injectable()
export class KnowledgeGaps implements KnowledgeHealthContributor {
  constructor(
    private readonly db: TenantDb,
    private readonly gaps: KnowledgeGapsRepository,
    private readonly conversations: ConversationGateway,
  ) {}

  /**
   * Counts the question into its gap; the same guest message is counted once. Returns the gap's
   * id; undefined for a message without words (a photo), which asks nothing a text could answer.
   */
  async noteUnanswered(propertyId: string, q: UnansweredQuestion): Promise<string | undefined> {
    const text = q.question.trim().slice(0, MAX_TEXT);
    if (!/[\p{L}\p{N}]/u.test(text)) return undefined;
    await this.lock(propertyId);
    const answer = q.answer?.trim() || null;
    const counted = await this.gaps.countedIn(propertyId, q.messageId);
    if (counted) {
      if (answer) await this.gaps.setAnswer(propertyId, counted.gapId, answer);
      return counted.gapId;
    }
    const terms = gapTerms(text, q.language);
    const candidates = await this.gaps.candidates(propertyId, CANDIDATES);
    const example: GapExample = {
      messageId: q.messageId,
      conversationId: q.conversationId,
      text,
      source: q.source,
      at: new Date().toISOString(),
      terms,
    };
    const best = closest(terms, candidates);
    let gapId: string;
    if (best) {
      gapId = best.id;
      await this.gaps.recordOccurrence(
        propertyId,
        gapId,
        [example, ...best.examples].slice(0, EXAMPLES),
        answer,
      );
    } else
      gapId = await this.gaps.insert(propertyId, {
        question: text,
        language: q.language,
        terms,
        example,
        answer,
      });
    await this.gaps.addQuestion(propertyId, q.messageId, q.source, gapId);
    return gapId;
  }

  /**
   * Serializes what changes a property's gaps (until the transaction ends): a question is counted
   * into an open gap, not into one staff are closing at the same moment.
   */
  async lock(propertyId: string): Promise<void> {
    await this.db.manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `concierge:gaps:${propertyId}`,
    ]);
  }

  /**
   * Takes back a question counted for an unhelpful rating that staff changed their mind about;
   * the correction it brought goes with it. Nothing happens when the message was not counted for
   * a rating (an escalation for lack of knowledge stays counted).
   */
  async retract(propertyId: string, messageId: string, correction: string | null): Promise<void> {
    await this.lock(propertyId);
    const gapId = await this.gaps.removeQuestion(propertyId, messageId, 'unhelpful');
    const gap = gapId ? await this.gaps.findById(propertyId, gapId) : undefined;
    if (!gap) return;
    const examples = gap.examples.filter((e) => !(e.messageId === messageId && e.source === 'unhelpful'));
    const answer = correction !== null && gap.answer === correction.trim() ? null : gap.answer;
    await this.gaps.retractOccurrence(propertyId, gap.id, examples, answer);
  }

  /** Keeps staff's answer on the gap that counted this guest message, if one does. */
  async answer(propertyId: string, messageId: string, answer: string): Promise<void> {
    const counted = await this.gaps.countedIn(propertyId, messageId);
    if (counted) await this.gaps.setAnswer(propertyId, counted.gapId, answer.trim());
  }

  /**
   * The staff answer of each gap: the one kept on it (a correction given with an unhelpful rating),
   * else what staff first replied to the guest after one of its questions, the newest first.
   */
  async staffAnswers(gaps: GapRow[]): Promise<Map<string, string>> {
    const asked = gaps.filter((g) => g.answer === null).flatMap((g) => g.examples.map((e) => e.messageId));
    const replies = await this.conversations.firstStaffReplies([...new Set(asked)]);
    const answers = new Map<string, string>();
    for (const g of gaps) {
      const answer = g.answer ?? g.examples.map((e) => replies.get(e.messageId)).find((r) => r !== undefined);
      if (answer !== undefined) answers.set(g.id, answer);
    }
    return answers;
  }

  /** The knowledge health report's section (registered with the knowledge context). */
  async openGaps(propertyId: string, limit: number): Promise<{ open: number; top: KnowledgeGapSummary[] }> {
    const rows = await this.gaps.list(propertyId, 'open', limit);
    const answers = await this.staffAnswers(rows);
    return {
      open: await this.gaps.countOpen(propertyId),
      top: rows.map((g) => ({
        id: g.id,
        question: g.question,
        language: g.language,
        occurrences: g.occurrences,
        lastSeenAt: g.last_seen_at.toISOString(),
        answered: answers.has(g.id),
      })),
    };
  }
}

/**
 * The gap most similar to the terms, by its first question or any kept example (similar questions
 * join through any of them), at or above the threshold; the more asked one on a tie.
 */
function closest(terms: string[], gaps: GapRow[]): GapRow | undefined {
  let best: GapRow | undefined;
  let bestScore = 0;
  for (const g of gaps) {
    const score = Math.max(
      termSimilarity(terms, g.terms),
      ...g.examples.map((e) => termSimilarity(terms, e.terms ?? [])),
    );
    if (score < GAP_SIMILARITY) continue;
    if (!best || score > bestScore || (score === bestScore && g.occurrences > best.occurrences)) {
      best = g;
      bestScore = score;
    }
  }
  return best;
}
