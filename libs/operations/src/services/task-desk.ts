import { OutboxService, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type TaskPriority, TasksRepository, type TaskStatus } from '../repositories/tasks.repository';

/** A task another context (the concierge) asks a department for. */
export interface DeskTaskRequest {
  type: string;
  department: string;
  roomNumber: string | null;
  description: string;
  items: { item: string; quantity: number }[];
  priority: TaskPriority;
  dueAt: string;
  guestId: string | null;
  reservationId: string | null;
  conversationId: string | null;
  messageId: string | null;
  /** Who approved it, when a staff member did. */
  actorId?: string | null;
}

/** A task as other contexts see it. */
export interface DeskTask {
  id: string;
  type: string;
  department: string;
  roomNumber: string | null;
  description: string;
  items: { item: string; quantity: number }[];
  priority: TaskPriority;
  status: TaskStatus;
  conversationId: string | null;
  completedAt: Date | null;
}

/**
 * The operations context's public desk (through index.ts): other contexts create department tasks
 * (`source` auto) and read them back. Runs inside the caller's property transaction.
 */
@Injectable()
export class TaskDesk {
  constructor(
    private readonly db: TenantDb,
    private readonly tasks: TasksRepository,
    private readonly outbox: OutboxService,
  ) {}

  async create(request: DeskTaskRequest): Promise<string> {
    const { actorId, ...fields } = request;
    const id = await this.tasks.insert(this.db.propertyId, { ...fields, source: 'auto' }, actorId ?? null);
    await this.outbox.publishEvent('task.created', { taskId: id });
    return id;
  }

  async find(taskId: string): Promise<DeskTask | undefined> {
    const t = await this.tasks.findById(this.db.propertyId, taskId);
    if (!t) return undefined;
    return {
      id: t.id,
      type: t.type,
      department: t.department,
      roomNumber: t.room_number,
      description: t.description,
      items: t.items,
      priority: t.priority,
      status: t.status,
      conversationId: t.conversation_id,
      completedAt: t.completed_at,
    };
  }
}
