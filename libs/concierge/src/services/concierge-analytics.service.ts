import { ConversationGateway } from '@app/conversation';
import { PropertiesRepository, type PropertyAccess, ValidationFailedException } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ConciergeAnalyticsDto, type ConciergeAnalyticsQueryDto } from '../dtos/analytics.dto';
import { AnalyticsRepository } from '../repositories/analytics.repository';

const DAY_MS = 24 * 3600 * 1000;
const MAX_DAYS = 366;
const TOP_INTENTS = 10;

/** How the concierge did over a period: automation, escalations, approvals, response times. */
@Injectable()
export class ConciergeAnalyticsService {
  constructor(
    private readonly analytics: AnalyticsRepository,
    private readonly gateway: ConversationGateway,
    private readonly properties: PropertiesRepository,
  ) {}

  async report(access: PropertyAccess, q: ConciergeAnalyticsQueryDto): Promise<ConciergeAnalyticsDto> {
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 7 * DAY_MS).toISOString();
    if (Date.parse(from) >= Date.parse(to))
      throw new ValidationFailedException([
        { field: 'from', code: 'beforeTo', message: 'from must be before to' },
      ]);
    if (Date.parse(to) - Date.parse(from) > MAX_DAYS * DAY_MS)
      throw new ValidationFailedException([
        { field: 'from', code: 'rangeTooLong', message: `at most ${MAX_DAYS} days at a time` },
      ]);
    const id = access.propertyId;
    const zone = (await this.properties.findById(id))?.timezone ?? 'UTC';
    const totals = await this.analytics.totals(id, from, to);
    const rate = (n: number) => (totals.messages === 0 ? 0 : round(n / totals.messages));
    const turnaround = await this.analytics.approvalTurnaround(id, from, to);
    const responses = await this.gateway.firstResponseMedians(from, to);
    return {
      from,
      to,
      messages: totals.messages,
      automationRate: rate(totals.automated),
      escalationRate: rate(totals.escalated),
      escalations: (await this.analytics.escalationsByReason(id, from, to)).map((r) => ({
        key: r.reason,
        count: r.count,
        rate: rate(r.count),
      })),
      approvals: {
        queued: totals.queued,
        decided: turnaround.decided,
        pending: turnaround.pending,
        medianTurnaroundSeconds: seconds(turnaround.median_seconds),
        p90TurnaroundSeconds: seconds(turnaround.p90_seconds),
      },
      firstResponse: {
        aiMedianSeconds: seconds(responses.ai_seconds),
        staffMedianSeconds: seconds(responses.staff_seconds),
        answeredByAi: responses.answered_by_ai,
        answeredByStaff: responses.answered_by_staff,
      },
      topIntents: (await this.analytics.topIntents(id, from, to, TOP_INTENTS)).map((r) => ({
        key: r.intent,
        count: r.count,
        rate: rate(r.count),
      })),
      knowledgeHitRate:
        totals.knowledge_looked_up === 0
          ? null
          : round(totals.knowledge_answered / totals.knowledge_looked_up),
      daily: await this.analytics.daily(id, from, to, zone),
    };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (x: number | string | null) => (x === null ? null : Math.round(Number(x) * 10) / 10);
