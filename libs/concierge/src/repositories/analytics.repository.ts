import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface TraceTotals {
  messages: number;
  automated: number;
  escalated: number;
  queued: number;
  ignored: number;
  knowledge_looked_up: number;
  knowledge_answered: number;
}

/** Concierge analytics over decision traces and approvals of a period. */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly db: TenantDb) {}

  async totals(propertyId: string, from: string, to: string): Promise<TraceTotals> {
    const rows = await rowsOf<TraceTotals>(
      this.db.manager.query(
        `select count(*)::int as messages,
                count(*) filter (where outcome in ('auto_replied', 'task_created'))::int as automated,
                count(*) filter (where outcome = 'escalated')::int as escalated,
                count(*) filter (where outcome = 'queued_for_approval')::int as queued,
                count(*) filter (where outcome = 'ignored')::int as ignored,
                count(knowledge_answered)::int as knowledge_looked_up,
                count(*) filter (where knowledge_answered)::int as knowledge_answered
           from concierge.decision_traces
          where property_id = $1 and created_at >= $2 and created_at < $3`,
        [propertyId, from, to],
      ),
    );
    return rows[0];
  }

  escalationsByReason(
    propertyId: string,
    from: string,
    to: string,
  ): Promise<{ reason: string; count: number }[]> {
    return rowsOf(
      this.db.manager.query(
        `select coalesce(reason, rule) as reason, count(*)::int as count from concierge.decision_traces
          where property_id = $1 and created_at >= $2 and created_at < $3 and outcome = 'escalated'
          group by 1 order by 2 desc, 1`,
        [propertyId, from, to],
      ),
    );
  }

  topIntents(
    propertyId: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<{ intent: string; count: number }[]> {
    return rowsOf(
      this.db.manager.query(
        `select intent, count(*)::int as count from concierge.decision_traces
          where property_id = $1 and created_at >= $2 and created_at < $3
          group by 1 order by 2 desc, 1 limit $4`,
        [propertyId, from, to, limit],
      ),
    );
  }

  /** Approvals decided in the period: how many, and the median and 90th percentile wait (seconds). */
  async approvalTurnaround(
    propertyId: string,
    from: string,
    to: string,
  ): Promise<{
    decided: number;
    pending: number;
    median_seconds: number | null;
    p90_seconds: number | null;
  }> {
    const rows = await rowsOf<{
      decided: number;
      pending: number;
      median_seconds: number | null;
      p90_seconds: number | null;
    }>(
      this.db.manager.query(
        `select count(*) filter (where decided_at is not null)::int as decided,
                count(*) filter (where status = 'pending')::int as pending,
                percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at))
                  filter (where decided_at is not null) as median_seconds,
                percentile_cont(0.9) within group (order by extract(epoch from decided_at - created_at))
                  filter (where decided_at is not null) as p90_seconds
           from concierge.approvals
          where property_id = $1 and created_at >= $2 and created_at < $3`,
        [propertyId, from, to],
      ),
    );
    return rows[0];
  }

  /** Per day in the property's time zone: messages, automated, escalated. */
  daily(
    propertyId: string,
    from: string,
    to: string,
    zone: string,
  ): Promise<{ day: string; messages: number; automated: number; escalated: number }[]> {
    return rowsOf(
      this.db.manager.query(
        `select to_char((created_at at time zone $4)::date, 'YYYY-MM-DD') as day,
                count(*)::int as messages,
                count(*) filter (where outcome in ('auto_replied', 'task_created'))::int as automated,
                count(*) filter (where outcome = 'escalated')::int as escalated
           from concierge.decision_traces
          where property_id = $1 and created_at >= $2 and created_at < $3
          group by 1 order by 1`,
        [propertyId, from, to, zone],
      ),
    );
  }
}
