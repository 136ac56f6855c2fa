import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The concierge context: what the AI decided for every guest message and why (decision traces
 * and the tool calls it made), the property's AI policy, the approval queue for actions staff
 * approve first, staff feedback on AI replies, the knowledge gaps grouped from unanswered and
 * unhelpful questions, and the guest notices of completed tasks.
 */
export class Concierge1795328000000 implements MigrationInterface {
  name = 'Concierge1795328000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create schema concierge;
      grant usage on schema concierge to butler_runtime;

      -- One row per property; absent means the defaults.
      create table concierge.policies (
        property_id uuid not null references platform.properties (id),
        settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
        version integer not null default 1,
        updated_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id)
      );
      create trigger policies_touch before update on concierge.policies
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('concierge.policies', 'select, insert, update');

      -- Exactly one per processed guest message: the unique message key makes processing idempotent.
      create table concierge.decision_traces (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        message_id uuid not null,
        conversation_id uuid not null,
        guest_id uuid,
        reservation_id uuid,
        language varchar(10) not null,
        language_source varchar(12) not null check (language_source in ('detected', 'conversation', 'guest', 'property')),
        intent varchar(50) not null,
        confidence numeric(4, 3) not null check (confidence between 0 and 1),
        alternatives jsonb not null default '[]'::jsonb check (jsonb_typeof(alternatives) = 'array'),
        entities jsonb not null default '{}'::jsonb check (jsonb_typeof(entities) = 'object'),
        sentiment varchar(10) not null default 'neutral' check (sentiment in ('negative', 'neutral', 'positive')),
        knowledge_hits jsonb not null default '[]'::jsonb check (jsonb_typeof(knowledge_hits) = 'array'),
        memory_hits jsonb not null default '[]'::jsonb check (jsonb_typeof(memory_hits) = 'array'),
        knowledge_answered boolean,
        rule varchar(50) not null,
        outcome varchar(20) not null
          check (outcome in ('auto_replied', 'task_created', 'queued_for_approval', 'escalated', 'ignored')),
        reason varchar(50),
        department varchar(50),
        engine varchar(20) not null,
        model varchar(100),
        latencies jsonb not null default '{}'::jsonb check (jsonb_typeof(latencies) = 'object'),
        redactions jsonb not null default '[]'::jsonb check (jsonb_typeof(redactions) = 'array'),
        reply_message_id uuid,
        task_id uuid,
        approval_id uuid,
        received_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint decision_traces_message_key unique (property_id, message_id)
      );
      create index decision_traces_time_idx on concierge.decision_traces (property_id, created_at);
      create index decision_traces_conversation_idx on concierge.decision_traces
        (property_id, conversation_id, created_at);
      select platform.apply_tenant_policy('concierge.decision_traces', 'select, insert, update');

      -- Every tool an LLM called while handling a message, with what it was given and gave back.
      create table concierge.tool_calls (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        message_id uuid not null,
        conversation_id uuid not null,
        tool_name varchar(50) not null,
        input jsonb,
        output jsonb,
        status varchar(10) not null check (status in ('completed', 'failed', 'refused')),
        error text,
        latency_ms integer not null default 0 check (latency_ms >= 0),
        created_at timestamptz not null default now(),
        primary key (property_id, id)
      );
      create index tool_calls_message_idx on concierge.tool_calls (property_id, message_id, created_at);
      select platform.apply_tenant_policy('concierge.tool_calls', 'select, insert');

      -- Actions the policy holds for a staff member's approval (autonomy L1, VIP suggestion mode).
      create table concierge.approvals (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        conversation_id uuid not null,
        message_id uuid not null,
        guest_id uuid,
        kind varchar(10) not null check (kind in ('reply', 'task')),
        action_type varchar(20) not null
          check (action_type in ('reply', 'create_task', 'room_change', 'late_checkout', 'compensation')),
        intent varchar(50) not null,
        department varchar(50) not null,
        reason varchar(50) not null,
        proposal jsonb not null check (jsonb_typeof(proposal) = 'object'),
        status varchar(10) not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
        edited boolean not null default false,
        decided_by uuid,
        decided_at timestamptz,
        rejection_reason text,
        result jsonb,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint approvals_decision check ((status = 'pending') = (decided_at is null)),
        constraint approvals_rejection check (status <> 'rejected' or length(btrim(rejection_reason)) > 0)
      );
      create index approvals_pending_idx on concierge.approvals (property_id, created_at, id) where status = 'pending';
      create index approvals_time_idx on concierge.approvals (property_id, created_at);
      create trigger approvals_touch before update on concierge.approvals
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('concierge.approvals', 'select, insert, update');

      -- Staff verdicts on AI replies: one per reply (the latest word counts).
      create table concierge.feedback (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        message_id uuid not null,
        conversation_id uuid not null,
        rating varchar(10) not null check (rating in ('helpful', 'unhelpful')),
        correction text,
        created_by uuid not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint feedback_message_key unique (property_id, message_id)
      );
      create trigger feedback_touch before update on concierge.feedback
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('concierge.feedback', 'select, insert, update');

      -- Questions the knowledge could not answer well, similar ones grouped together.
      create table concierge.knowledge_gaps (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        question text not null,
        language varchar(10) not null,
        terms text[] not null default '{}',
        occurrences integer not null default 1 check (occurrences > 0),
        examples jsonb not null default '[]'::jsonb check (jsonb_typeof(examples) = 'array'),
        answer text,
        status varchar(10) not null default 'open' check (status in ('open', 'drafted', 'dismissed')),
        entry_id uuid,
        first_seen_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id)
      );
      create index knowledge_gaps_open_idx on concierge.knowledge_gaps (property_id, status, occurrences desc);
      create trigger knowledge_gaps_touch before update on concierge.knowledge_gaps
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('concierge.knowledge_gaps', 'select, insert, update');

      -- A guest is told when a task they asked for is done: one notice per task, sent in batches.
      create table concierge.task_notices (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        task_id uuid not null,
        conversation_id uuid not null,
        status varchar(10) not null default 'pending' check (status in ('pending', 'sent', 'skipped')),
        due_at timestamptz not null,
        message_id uuid,
        skip_reason varchar(30),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint task_notices_task_key unique (property_id, task_id)
      );
      create index task_notices_pending_idx on concierge.task_notices (property_id, conversation_id, due_at)
        where status = 'pending';
      create trigger task_notices_touch before update on concierge.task_notices
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('concierge.task_notices', 'select, insert, update');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('drop schema if exists concierge cascade');
  }
}
