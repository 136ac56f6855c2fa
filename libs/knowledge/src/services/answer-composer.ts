import { AppConfig } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import OpenAI from 'openai';

import { isStopword, tokenize } from './builtin-embedder';

/** A retrieved passage an answer may use. */
export interface Passage {
  title: string;
  content: string;
  similarity: number | null;
  textRank: number | null;
}

export interface ComposedAnswer {
  answer: string;
  /** Indexes of the passages the answer used. */
  used: number[];
  engine: string;
}

/** A passage is evidence when full text matched it or its vector is this close to the question. */
const MIN_EVIDENCE_SIMILARITY = 0.3;
const MAX_SENTENCES = 3;
const NO_ANSWER = 'NO_ANSWER';

/** A passage is evidence for a question: full text matched it, or its vector is close enough. */
export const isEvidence = (p: Pick<Passage, 'textRank' | 'similarity'>): boolean =>
  p.textRank !== null || (p.similarity ?? 0) >= MIN_EVIDENCE_SIMILARITY;

/**
 * Composes the concierge's answer from retrieved passages. The builtin engine is extractive: it
 * quotes the sentences that share most words with the question from the passages that are
 * evidence, so it never states a fact, price or time that is not in the hotel's knowledge. With
 * `AI_PROVIDER=openai` a chat model writes the answer from the same passages only; when it fails
 * or is slow, the builtin engine answers instead.
 */
@Injectable()
export class AnswerComposer {
  private readonly logger = new Logger(AnswerComposer.name);
  private readonly client: OpenAI | null;

  constructor(private readonly config: AppConfig) {
    this.client =
      config.AI_PROVIDER === 'openai'
        ? new OpenAI({
            baseURL: config.OPENAI_BASE_URL,
            apiKey: config.OPENAI_API_KEY ?? '',
            timeout: config.AI_TIMEOUT_MS,
            maxRetries: 1,
          })
        : null;
  }

  /** `extractive`: quote the passages, never ask the chat model (the caller holds a transaction, say). */
  async compose(
    question: string,
    passages: Passage[],
    extractiveOnly = false,
  ): Promise<ComposedAnswer | null> {
    const evidence = passages.map((p, i) => ({ p, i })).filter(({ p }) => isEvidence(p));
    if (evidence.length === 0) return null;
    if (this.client && !extractiveOnly) {
      try {
        return await this.chat(this.client, question, evidence);
      } catch (err) {
        this.logger.warn(`chat model unavailable, answering extractively: ${(err as Error).message}`);
      }
    }
    return extractive(question, evidence);
  }

  private async chat(
    client: OpenAI,
    question: string,
    evidence: { p: Passage; i: number }[],
  ): Promise<ComposedAnswer | null> {
    const sources = evidence.map(({ p }, n) => `[${n + 1}] ${p.title}\n${p.content}`).join('\n\n');
    const completion = await client.chat.completions.create({
      model: this.config.OPENAI_CHAT_MODEL,
      temperature: 0,
      messages: [
        {
          role: 'system',
          content:
            "You are the hotel's concierge. Answer the question using only the numbered sources. " +
            'Never add facts, prices or times that are not in them. Be brief and friendly. ' +
            `If the sources do not answer the question, reply exactly ${NO_ANSWER}.`,
        },
        { role: 'user', content: `Sources:\n${sources}\n\nQuestion: ${question}` },
      ],
    });
    const text = completion.choices[0]?.message?.content?.trim() ?? '';
    if (!text || text.includes(NO_ANSWER)) return null;
    return {
      answer: text,
      used: evidence.map((e) => e.i),
      engine: `openai:${this.config.OPENAI_CHAT_MODEL}`,
    };
  }
}

/** The sentences sharing most content words with the question, best passages first. */
export function extractive(question: string, evidence: { p: Passage; i: number }[]): ComposedAnswer | null {
  const wanted = new Set(contentWords(question));
  const scored = evidence.slice(0, 3).flatMap(({ p, i }, rank) =>
    sentences(body(p.content)).map((s, order) => {
      const words = new Set(contentWords(s));
      const overlap = [...wanted].filter((w) => words.has(w)).length;
      return { s, i, rank, order, overlap };
    }),
  );
  const best = scored
    .filter((x) => x.overlap > 0 || (x.rank === 0 && x.order === 0))
    .sort((a, b) => b.overlap - a.overlap || a.rank - b.rank || a.order - b.order)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  if (best.length === 0) return null;
  return {
    answer: best.map((x) => x.s).join(' '),
    used: [...new Set(best.map((x) => x.i))],
    engine: 'builtin',
  };
}

/** A chunk without its first line, which repeats the entry title and heading path. */
function body(content: string): string {
  const cut = content.indexOf('\n\n');
  return cut >= 0 ? content.slice(cut + 2) : content;
}

function sentences(text: string): string[] {
  return text
    .replace(/^#+\s.*$/gm, ' ')
    .replace(/[*_`>]+/g, '')
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^\s*[-•]\s*/, '').trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function contentWords(text: string): string[] {
  return tokenize(text)
    .filter((w) => w.length >= 3 && !isStopword(w))
    .map((w) => (w.length > 4 ? w.replace(/(es|s)$/, '') : w));
}
