import { type CreateKnowledgeDto, KnowledgeService } from '@app/knowledge';
import { type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type KnowledgeGapDto,
  type KnowledgeGapListDto,
  type ListKnowledgeGapsQueryDto,
} from '../dtos/knowledge-gap.dto';
import { redact } from '../engine/redaction';
import {
  KnowledgeGapClosedException,
  KnowledgeGapNotFoundException,
} from '../exceptions/concierge.exceptions';
import { type GapRow, KnowledgeGapsRepository } from '../repositories/knowledge-gaps.repository';
import { AiPolicyService } from './ai-policy.service';
import { KnowledgeGaps } from './knowledge-gaps';

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const TITLE_LENGTH = 120;

/**
 * Knowledge gaps as knowledge curators work them: the list, a gap turned into a draft entry
 * (through the knowledge context's service, so it is versioned, chunked and audited like any
 * other), or dismissed.
 */
@Injectable()
export class KnowledgeGapsService {
  constructor(
    private readonly gaps: KnowledgeGapsRepository,
    private readonly recorder: KnowledgeGaps,
    private readonly knowledge: KnowledgeService,
    private readonly policies: AiPolicyService,
  ) {}

  async list(access: PropertyAccess, q: ListKnowledgeGapsQueryDto): Promise<KnowledgeGapListDto> {
    const rows = await this.gaps.list(access.propertyId, q.status ?? 'open', q.limit ?? 50);
    const answers = await this.recorder.staffAnswers(rows);
    return { items: rows.map((g) => toDto(g, answers.get(g.id) ?? null)) };
  }

  /**
   * A draft knowledge entry pre-filled with the question (and how else it was asked) and the staff
   * answer. Idempotent: a gap already drafted is returned as it is, with the entry made the first
   * time; a dismissed one is refused.
   */
  async draft(access: PropertyAccess, id: string): Promise<KnowledgeGapDto> {
    const propertyId = access.propertyId;
    const gap = await this.require(propertyId, id);
    if (gap.status === 'dismissed') throw new KnowledgeGapClosedException(gap.status);
    if (gap.status === 'open') {
      const answer = (await this.recorder.staffAnswers([gap])).get(gap.id) ?? null;
      const language = LANGUAGE.test(gap.language)
        ? gap.language
        : (await this.policies.forProperty(propertyId)).property.language;
      const entry = await this.knowledge.create(
        { propertyId, userId: access.userId },
        draftEntry(gap, answer, language),
        { reason: `drafted from knowledge gap ${gap.id}` },
      );
      await this.gaps.close(propertyId, id, { status: 'drafted', entryId: entry.id, answer });
    }
    return this.get(propertyId, id);
  }

  /** Not a gap worth an entry. Idempotent; a drafted gap is refused (its entry exists). */
  async dismiss(access: PropertyAccess, id: string): Promise<KnowledgeGapDto> {
    const gap = await this.require(access.propertyId, id);
    if (gap.status === 'drafted') throw new KnowledgeGapClosedException(gap.status);
    if (gap.status === 'open') await this.gaps.close(access.propertyId, id, { status: 'dismissed' });
    return this.get(access.propertyId, id);
  }

  private async get(propertyId: string, id: string): Promise<KnowledgeGapDto> {
    const gap = await this.require(propertyId, id, false);
    return toDto(gap, (await this.recorder.staffAnswers([gap])).get(gap.id) ?? null);
  }

  /**
   * The gap, locked by default: a decision on it is taken once, and no question is counted into
   * it while it is taken (the property's gap lock first, as where questions are counted).
   */
  private async require(propertyId: string, id: string, forUpdate = true): Promise<GapRow> {
    if (forUpdate) await this.recorder.lock(propertyId);
    const gap = await this.gaps.findById(propertyId, id, forUpdate);
    if (!gap) throw new KnowledgeGapNotFoundException();
    return gap;
  }
}

/**
 * The draft: titled with the question, the guests' words and the staff answer (contact and
 * payment details removed from both), for a curator to check and publish. Guest-visible once published, since
 * that is what the concierge answers from.
 */
function draftEntry(gap: GapRow, answer: string | null, language: string): CreateKnowledgeDto {
  const clean = (text: string) => redact(text.replace(/\s+/g, ' ').trim()).text;
  const question = clean(gap.question);
  const seen = new Set([question.toLowerCase()]);
  const others: string[] = [];
  for (const e of gap.examples) {
    const text = clean(e.text);
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    others.push(text);
  }
  const content = [
    `**Question:** ${question}`,
    others.length ? `Also asked as:\n${others.map((t) => `- ${t}`).join('\n')}` : null,
    // Staff wrote it to one guest: their contact or payment details stay out of what all guests may read.
    `**Answer:** ${(answer && redact(answer.trim()).text) || '_No staff answer was found yet: write it here._'}`,
  ]
    .filter((part) => part !== null)
    .join('\n\n');
  return {
    category: 'faq',
    title: question.length > TITLE_LENGTH ? `${question.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : question,
    content,
    keywords: gap.terms.filter((t) => t.length <= 100).slice(0, 10),
    language,
    status: 'draft',
    visibility: 'guest',
  };
}

function toDto(g: GapRow, answer: string | null): KnowledgeGapDto {
  return {
    id: g.id,
    question: g.question,
    language: g.language,
    occurrences: g.occurrences,
    examples: g.examples.map((e) => ({
      messageId: e.messageId,
      conversationId: e.conversationId,
      text: e.text,
      source: e.source,
      at: e.at,
    })),
    answer,
    status: g.status,
    entryId: g.entry_id,
    firstSeenAt: g.first_seen_at.toISOString(),
    lastSeenAt: g.last_seen_at.toISOString(),
  };
}
