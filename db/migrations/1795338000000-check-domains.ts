import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** A column whose table CHECK becomes its domain's. */
interface Column {
  table: string;
  column: string;
  /** The table constraint it replaces, and that constraint's expression (for `down`). */
  constraint: string;
  expression: string;
}

interface Domain {
  name: string;
  base: string;
  check: string;
  columns: Column[];
}

const oneOf = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * One column's rule as a domain; `check` speaks of `value`, which the table constraint it
 * replaces (named as PostgreSQL names a column's CHECK) spoke of as the column.
 */
const ruled = (name: string, base: string, check: string, table: string, column: string): Domain => ({
  name,
  base,
  check,
  columns: [
    {
      table,
      column,
      constraint: `${table.split('.')[1]}_${column}_check`,
      expression: check.replace(/\bvalue\b/g, column),
    },
  ],
});

/** A varchar column limited to a list of values. */
const listed = (name: string, base: string, values: string[], table: string, column: string): Domain =>
  ruled(name, base, `value in (${oneOf(values)})`, table, column);

/** jsonb columns that must hold an array (`kind` array) or an object, where not null. */
const jsonShaped = (kind: 'array' | 'object', columns: [table: string, column: string][]): Domain => ({
  name: `platform.json_${kind}`,
  base: 'jsonb',
  check: `jsonb_typeof(value) = '${kind}'`,
  columns: columns.map(([table, column]) => ({
    table,
    column,
    constraint: `${table.split('.')[1]}_${column}_check`,
    expression: `${column} is null or jsonb_typeof(${column}) = '${kind}'`,
  })),
});

/**
 * The single-column CHECK constraints of the tables written for every guest message become
 * domains. PostgreSQL reads a table's CHECK constraints from their stored text and plans them
 * anew for every INSERT and UPDATE statement that runs (and checks all of them, whatever columns
 * the UPDATE sets), which was about a twelfth of PostgreSQL's time under the concierge benchmark
 * (ExecConstraints, with stringToNode). A domain's constraints are read once per connection (the
 * type cache) and checked only where a value of that column is written. The rules are the same;
 * a violation is still SQLSTATE 23514 (check_violation), now naming the domain's constraint.
 *
 * No table is rewritten: each column drops its table constraint and takes its domain while the
 * domain has no constraint yet (the same base type and length, so PostgreSQL only relabels the
 * column), then the domain's constraint is added and validated against the rows (which the table
 * constraints guaranteed), all in the migration's transaction. CHECKs over several columns stay
 * on their tables.
 */
const DOMAINS: Domain[] = [
  listed(
    'conversation.message_direction',
    'varchar(10)',
    ['inbound', 'outbound'],
    'conversation.messages',
    'direction',
  ),
  listed(
    'conversation.message_sender_type',
    'varchar(10)',
    ['guest', 'ai', 'staff', 'system'],
    'conversation.messages',
    'sender_type',
  ),
  listed(
    'conversation.message_content_type',
    'varchar(20)',
    ['text', 'image', 'audio', 'video', 'document', 'location', 'interactive'],
    'conversation.messages',
    'content_type',
  ),
  listed(
    'conversation.message_delivery_status',
    'varchar(10)',
    ['pending', 'sent', 'delivered', 'read', 'failed'],
    'conversation.messages',
    'delivery_status',
  ),
  listed(
    'conversation.delivery_state',
    'varchar(10)',
    ['pending', 'sending', 'sent', 'failed'],
    'conversation.deliveries',
    'status',
  ),
  listed(
    'conversation.conversation_state',
    'varchar(10)',
    ['new', 'active', 'escalated', 'resolved', 'closed'],
    'conversation.conversations',
    'state',
  ),
  listed(
    'conversation.conversation_priority',
    'varchar(10)',
    ['urgent', 'high', 'normal', 'low'],
    'conversation.conversations',
    'priority',
  ),
  listed('conversation.ai_mode', 'varchar(10)', ['auto', 'paused'], 'conversation.conversations', 'ai_mode'),
  listed(
    'conversation.channel_type',
    'varchar(10)',
    ['sms', 'whatsapp', 'email', 'webchat'],
    'conversation.conversations',
    'channel_type',
  ),
  ruled('conversation.unread_count', 'integer', 'value >= 0', 'conversation.conversations', 'unread_count'),
  listed('platform.outbox_status', 'varchar(12)', ['pending', 'published'], 'platform.outbox', 'status'),
  listed(
    'concierge.language_source',
    'varchar(12)',
    ['detected', 'conversation', 'guest', 'property'],
    'concierge.decision_traces',
    'language_source',
  ),
  listed(
    'concierge.decision_outcome',
    'varchar(20)',
    ['auto_replied', 'task_created', 'queued_for_approval', 'escalated', 'ignored'],
    'concierge.decision_traces',
    'outcome',
  ),
  listed(
    'concierge.sentiment',
    'varchar(10)',
    ['negative', 'neutral', 'positive'],
    'concierge.decision_traces',
    'sentiment',
  ),
  ruled(
    'concierge.confidence',
    'numeric(4,3)',
    'value >= 0 and value <= 1',
    'concierge.decision_traces',
    'confidence',
  ),
  listed(
    'operations.task_priority',
    'varchar(10)',
    ['urgent', 'high', 'standard', 'low'],
    'operations.tasks',
    'priority',
  ),
  listed(
    'operations.task_source',
    'varchar(12)',
    ['manual', 'auto', 'automation'],
    'operations.tasks',
    'source',
  ),
  listed(
    'operations.task_status',
    'varchar(12)',
    ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'],
    'operations.tasks',
    'status',
  ),
  ruled(
    'operations.department_key',
    'varchar(50)',
    `value ~ '^[a-z][a-z0-9_]{0,49}$'`,
    'operations.tasks',
    'department',
  ),
  ruled('operations.task_description', 'text', 'length(btrim(value)) > 0', 'operations.tasks', 'description'),
  jsonShaped('array', [
    ['conversation.messages', 'media'],
    ['concierge.decision_traces', 'alternatives'],
    ['concierge.decision_traces', 'knowledge_hits'],
    ['concierge.decision_traces', 'memory_hits'],
    ['concierge.decision_traces', 'redactions'],
    ['operations.tasks', 'items'],
  ]),
  jsonShaped('object', [
    ['conversation.messages', 'template'],
    ['conversation.messages', 'translation'],
    ['conversation.messages', 'original'],
    ['concierge.decision_traces', 'entities'],
    ['concierge.decision_traces', 'latencies'],
  ]),
];

/** The constraint's name on its domain: the domain's own name, unqualified, with `_check`. */
const constraintOf = (domain: Domain) => `${domain.name.split('.')[1]}_check`;

/**
 * Changes a column's type with the table's triggers that name columns (a WHEN condition, an
 * UPDATE OF list: PostgreSQL refuses to change the type of a column they use) set aside and
 * created again, as they were, once it is done.
 */
async function alterColumn(q: QueryRunner, table: string, change: string): Promise<void> {
  const triggers = (await q.query(
    `select tgname as name, pg_get_triggerdef(oid) as definition from pg_trigger
      where tgrelid = $1::regclass and not tgisinternal and (tgqual is not null or tgattr <> '')
      order by tgname`,
    [table],
  )) as { name: string; definition: string }[];
  for (const t of triggers) await q.query(`drop trigger ${t.name} on ${table}`);
  await q.query(`alter table ${table} ${change}`);
  for (const t of triggers) await q.query(t.definition);
}

export class CheckDomains1795338000000 implements MigrationInterface {
  name = 'CheckDomains1795338000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const domain of DOMAINS) {
      await q.query(`create domain ${domain.name} as ${domain.base}`);
      for (const c of domain.columns)
        await alterColumn(
          q,
          c.table,
          `drop constraint ${c.constraint}, alter column ${c.column} type ${domain.name}`,
        );
      await q.query(
        `alter domain ${domain.name} add constraint ${constraintOf(domain)} check (${domain.check}) not valid`,
      );
      await q.query(`alter domain ${domain.name} validate constraint ${constraintOf(domain)}`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const domain of [...DOMAINS].reverse()) {
      for (const c of domain.columns)
        await alterColumn(
          q,
          c.table,
          `alter column ${c.column} type ${domain.base}, add constraint ${c.constraint} check (${c.expression})`,
        );
      await q.query(`drop domain ${domain.name}`);
    }
  }
}
