import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `concierge.knowledge_gap_questions`: which gap counted each guest message, and why. A gap keeps
 * only its few newest examples, so the examples could not tell whether a message had been
 * counted once it was pushed out of them: a reply rated unhelpful, then helpful, then unhelpful
 * again was counted twice, and the helpful rating took nothing back. One row per guest message
 * (a message counts once, for the first reason given); deleted with its gap.
 *
 * The rows for the examples gaps already keep are written here, property by property (the table
 * owner is under row-level security too).
 */
export class KnowledgeGapQuestions1795339000000 implements MigrationInterface {
  name = 'KnowledgeGapQuestions1795339000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table concierge.knowledge_gap_questions (
        property_id uuid not null,
        message_id uuid not null,
        source varchar(20) not null check (source in ('no_knowledge', 'unhelpful')),
        gap_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (property_id, message_id),
        foreign key (property_id, gap_id) references concierge.knowledge_gaps (property_id, id) on delete cascade
      );
      create index knowledge_gap_questions_gap_idx on concierge.knowledge_gap_questions (property_id, gap_id);
      select platform.apply_tenant_policy('concierge.knowledge_gap_questions', 'select, insert, delete');

      do $$
      declare
        p uuid;
      begin
        for p in select id from platform.properties loop
          perform set_config('app.property_id', p::text, true);
          insert into concierge.knowledge_gap_questions (property_id, message_id, source, gap_id, created_at)
          select g.property_id, (e ->> 'messageId')::uuid, e ->> 'source', g.id,
                 coalesce((e ->> 'at')::timestamptz, g.last_seen_at)
            from concierge.knowledge_gaps g, jsonb_array_elements(g.examples) e
           where g.property_id = p
          order by g.last_seen_at desc
          on conflict do nothing;
        end loop;
        perform set_config('app.property_id', '', true);
      end
      $$;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('drop table concierge.knowledge_gap_questions');
  }
}
