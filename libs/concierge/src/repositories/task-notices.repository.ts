import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface NoticeRow {
  id: string;
  task_id: string;
  due_at: Date;
}

/** concierge.task_notices: one per completed task a guest asked for. */
@Injectable()
export class TaskNoticesRepository {
  constructor(private readonly db: TenantDb) {}

  /** Records the notice once (a redelivered event changes nothing); true when it is new. */
  async add(propertyId: string, taskId: string, conversationId: string, dueAt: Date): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into concierge.task_notices (property_id, task_id, conversation_id, due_at) values ($1, $2, $3, $4)
         on conflict (property_id, task_id) do nothing returning id`,
        [propertyId, taskId, conversationId, dueAt],
      ),
    );
    return rows.length > 0;
  }

  /** The conversation's pending notices, locked, earliest first. */
  pending(propertyId: string, conversationId: string): Promise<NoticeRow[]> {
    return rowsOf<NoticeRow>(
      this.db.manager.query(
        `select id, task_id, due_at from concierge.task_notices
          where property_id = $1 and conversation_id = $2 and status = 'pending'
          order by due_at, id for update`,
        [propertyId, conversationId],
      ),
    );
  }

  async markSent(propertyId: string, ids: string[], messageId: string): Promise<void> {
    await this.db.manager.query(
      `update concierge.task_notices set status = 'sent', message_id = $3 where property_id = $1 and id = any($2::uuid[])`,
      [propertyId, ids, messageId],
    );
  }

  async markSkipped(propertyId: string, ids: string[], reason: string): Promise<void> {
    await this.db.manager.query(
      `update concierge.task_notices set status = 'skipped', skip_reason = $3
        where property_id = $1 and id = any($2::uuid[])`,
      [propertyId, ids, reason],
    );
  }
}
