import { Injectable } from '@nestjs/common';

/** A question guests keep asking that the knowledge could not answer, as the report lists it. */
export interface KnowledgeGapSummary {
  id: string;
  question: string;
  language: string;
  occurrences: number;
  lastSeenAt: string;
  /** A staff answer is known (a correction or a reply), ready to turn into an entry. */
  answered: boolean;
}

/**
 * Adds what another context knows about the knowledge to its health report; runs in the report's
 * property transaction. The knowledge context depends on no one: contexts that see where the
 * knowledge falls short (the concierge's unanswered questions) register themselves.
 */
export interface KnowledgeHealthContributor {
  /** The open gaps, most asked first (at most `limit`), and how many are open in all. */
  openGaps(propertyId: string, limit: number): Promise<{ open: number; top: KnowledgeGapSummary[] }>;
}

/** The registry of health report contributors (a singleton of the knowledge module). */
@Injectable()
export class KnowledgeHealthContributors {
  private readonly contributors: KnowledgeHealthContributor[] = [];

  register(contributor: KnowledgeHealthContributor): void {
    if (!this.contributors.includes(contributor)) this.contributors.push(contributor);
  }

  /** Every contributor's open gaps, most asked (then most recently asked) first. */
  async openGaps(propertyId: string, limit: number): Promise<{ open: number; top: KnowledgeGapSummary[] }> {
    let open = 0;
    const top: KnowledgeGapSummary[] = [];
    for (const contributor of this.contributors) {
      const part = await contributor.openGaps(propertyId, limit);
      open += part.open;
      top.push(...part.top);
    }
    top.sort((a, b) => b.occurrences - a.occurrences || b.lastSeenAt.localeCompare(a.lastSeenAt));
    return { open, top: top.slice(0, limit) };
  }
}
