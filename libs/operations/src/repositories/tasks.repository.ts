import { type ColumnSpec, rowsOf, SqlFilter, TenantDb, writtenColumns } from '@app/platform';
import { Injectable } from '@nestjs/common';

export type TaskStatus = 'pending' | 'assigned' | 'in_progress' | 'completed' | 'cancelled';
export type TaskPriority = 'urgent' | 'high' | 'standard' | 'low';

export interface TaskRow {
  id: string;
  type: string;
  department: string;
  room_number: string | null;
  description: string;
  items: { item: string; quantity: number }[];
  priority: TaskPriority;
  status: TaskStatus;
  assigned_to: string | null;
  source: string;
  guest_id: string | null;
  reservation_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  external_ref: string | null;
  due_at: Date;
  assigned_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  notes: string | null;
  completion_notes: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  priority_rank: number;
}

export interface TaskWrite {
  type?: string;
  department?: string;
  roomNumber?: string | null;
  description?: string;
  items?: { item: string; quantity: number }[];
  priority?: TaskPriority;
  source?: string;
  guestId?: string | null;
  reservationId?: string | null;
  conversationId?: string | null;
  messageId?: string | null;
  externalRef?: string | null;
  dueAt?: string;
  notes?: string | null;
}

const COLUMNS: { [K in keyof TaskWrite]-?: ColumnSpec } = {
  type: 'type',
  department: 'department',
  roomNumber: 'room_number',
  description: 'description',
  items: { column: 'items', json: true },
  priority: 'priority',
  source: 'source',
  guestId: 'guest_id',
  reservationId: 'reservation_id',
  conversationId: 'conversation_id',
  messageId: 'message_id',
  externalRef: 'external_ref',
  // Kept to the millisecond: the list cursor carries a JS Date, so a stored microsecond would
  // make the row sort after its own cursor and repeat on the next page.
  dueAt: { column: 'due_at', sql: (p) => `date_trunc('milliseconds', ${p}::timestamptz)` },
  notes: 'notes',
};

/** Queue order: urgent first, then by due time. */
const RANK = `case priority when 'urgent' then 0 when 'high' then 1 when 'standard' then 2 else 3 end`;
const SELECT = `select *, ${RANK} as priority_rank from operations.tasks`;
const OPEN = `status in ('pending', 'assigned', 'in_progress')`;

export interface TaskFilter {
  departments?: string[];
  statuses?: TaskStatus[];
  assignee?: string;
  priority?: TaskPriority;
  overdue?: boolean;
  after?: { rank: number; dueAt: string; id: string };
  limit: number;
}

export interface TaskChange {
  status: TaskStatus;
  assignedTo?: string | null;
  stamp?: 'assigned_at' | 'started_at' | 'completed_at' | 'cancelled_at';
  clearDone?: boolean;
  completionNotes?: string | null;
}

@Injectable()
export class TasksRepository {
  constructor(private readonly db: TenantDb) {}

  async insert(propertyId: string, write: TaskWrite, actorId: string | null): Promise<string> {
    const c = writtenColumns(COLUMNS, write, 3);
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into operations.tasks (property_id, created_by, updated_by${c.names.map((n) => `, ${n}`).join('')})
         values ($1, $2, $2${c.placeholders.map((p) => `, ${p}`).join('')}) returning id`,
        [propertyId, actorId, ...c.values],
      ),
    );
    return rows[0].id;
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<TaskRow | undefined> {
    const rows = await rowsOf<TaskRow>(
      this.db.manager.query(
        `${SELECT} where property_id = $1 and id = $2 and deleted_at is null${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  async update(propertyId: string, id: string, version: number, write: TaskWrite, actorId: string | null) {
    const c = writtenColumns(COLUMNS, write, 5);
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update operations.tasks
            set version = version + 1, updated_by = $4${c.names.map((n, i) => `, ${n} = ${c.placeholders[i]}`).join('')}
          where property_id = $1 and id = $2 and version = $3 and deleted_at is null returning id`,
        [propertyId, id, version, actorId, ...c.values],
      ),
    );
    return rows.length === 1;
  }

  /** Applies a status change to a row the caller holds locked. */
  async change(propertyId: string, id: string, c: TaskChange, actorId: string | null): Promise<void> {
    await this.db.manager.query(
      `update operations.tasks
          set status = $3, updated_by = $4, version = version + 1,
              assigned_to = case when $5::boolean then $6::uuid else assigned_to end,
              assigned_at = case when $7 = 'assigned_at' then now() else assigned_at end,
              started_at = case when $7 = 'started_at' then now() else started_at end,
              completed_at = case when $7 = 'completed_at' then now() when $8::boolean then null else completed_at end,
              cancelled_at = case when $7 = 'cancelled_at' then now() when $8::boolean then null else cancelled_at end,
              completion_notes = case when $7 = 'completed_at' then $9 when $8::boolean then null else completion_notes end
        where property_id = $1 and id = $2`,
      [
        propertyId,
        id,
        c.status,
        actorId,
        c.assignedTo !== undefined,
        c.assignedTo ?? null,
        c.stamp ?? null,
        c.clearDone ?? false,
        c.completionNotes ?? null,
      ],
    );
  }

  list(propertyId: string, f: TaskFilter): Promise<TaskRow[]> {
    const q = new SqlFilter().where('property_id = ?', propertyId).where('deleted_at is null');
    if (f.departments) q.where('department = any(?::text[])', f.departments);
    if (f.statuses) q.where('status = any(?::text[])', f.statuses);
    if (f.assignee) q.where('assigned_to = ?::uuid', f.assignee);
    if (f.priority) q.where('priority = ?', f.priority);
    if (f.overdue) q.where(`${OPEN} and due_at < now()`);
    if (f.after)
      q.where(
        `(${RANK}, due_at, id) > (?::int, ?::timestamptz, ?::uuid)`,
        f.after.rank,
        f.after.dueAt,
        f.after.id,
      );
    return rowsOf<TaskRow>(
      this.db.manager.query(
        `${SELECT} where ${q.sql} order by priority_rank, due_at, id limit ${q.param(f.limit)}`,
        q.params,
      ),
    );
  }

  async stats(propertyId: string, from: string, to: string, departments?: string[]) {
    // $2 is the department scope; the window ($3, $4) is sent only to the query that uses it, since
    // PostgreSQL cannot type a parameter that a statement never references.
    const params = [propertyId, departments ?? null];
    const window = [...params, from, to];
    const scope = `property_id = $1 and deleted_at is null and ($2::text[] is null or department = any($2::text[]))`;
    // Sequential: the queries share the request transaction's one connection.
    const open = await rowsOf<{ department: string; priority: string; count: number }>(
      this.db.manager.query(
        `select department, priority, count(*)::int as count from operations.tasks
            where ${scope} and ${OPEN} group by department, priority order by department, priority`,
        params,
      ),
    );
    const overdue = await rowsOf<{ count: number }>(
      this.db.manager.query(
        `select count(*)::int as count from operations.tasks where ${scope} and ${OPEN} and due_at < now()`,
        params,
      ),
    );
    const completed = await rowsOf<{ count: number; median: number | null }>(
      this.db.manager.query(
        `select count(*)::int as count,
                  percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) / 60) as median
             from operations.tasks
            where ${scope} and status = 'completed' and completed_at >= $3::timestamptz and completed_at < $4::timestamptz`,
        window,
      ),
    );
    return { open, overdue: overdue[0].count, completed: completed[0].count, median: completed[0].median };
  }

  async moveGuest(propertyId: string, fromGuestId: string, toGuestId: string): Promise<void> {
    await this.db.manager.query(
      `update operations.tasks set guest_id = $3, version = version + 1 where property_id = $1 and guest_id = $2`,
      [propertyId, fromGuestId, toGuestId],
    );
  }
}
