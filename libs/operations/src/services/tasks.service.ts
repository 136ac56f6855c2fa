import { GuestDirectory } from '@app/guest';
import {
  decodeCursor,
  hasPermission,
  isUuid,
  keysetPage,
  MembershipsRepository,
  OutboxService,
  Permission,
  PropertiesRepository,
  type PropertyAccess,
  ValidationFailedException,
  withDefaults,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type CreateTaskDto,
  type ListTasksQueryDto,
  type TaskDto,
  type TaskPageDto,
  type TaskStatsDto,
  type TaskStatsQueryDto,
  type UpdateTaskDto,
} from '../dtos/task.dto';
import {
  OtherDepartmentException,
  TaskNotFoundException,
  TaskReferenceNotFoundException,
  TaskTransitionException,
  TaskVersionConflictException,
} from '../exceptions/task.exceptions';
import {
  type TaskChange,
  type TaskRow,
  TasksRepository,
  type TaskStatus,
} from '../repositories/tasks.repository';

const OPEN: TaskStatus[] = ['pending', 'assigned', 'in_progress'];

/** The allowed moves of the task status machine; anything else is 409 invalid_transition. */
const MOVES = {
  assign: { from: ['pending', 'assigned'], event: 'task.assigned', verb: 'assigned' },
  start: { from: ['assigned'], event: 'task.started', verb: 'started' },
  complete: { from: ['assigned', 'in_progress'], event: 'task.completed', verb: 'completed' },
  cancel: { from: ['pending', 'assigned', 'in_progress'], event: 'task.cancelled', verb: 'cancelled' },
  reopen: { from: ['completed', 'cancelled'], event: 'task.reopened', verb: 'reopened' },
} as const satisfies Record<string, { from: readonly TaskStatus[]; event: string; verb: string }>;
type Move = keyof typeof MOVES;

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly memberships: MembershipsRepository,
    private readonly properties: PropertiesRepository,
    private readonly guests: GuestDirectory,
    private readonly outbox: OutboxService,
  ) {}

  async create(access: PropertyAccess, dto: CreateTaskDto): Promise<TaskDto> {
    if (dto.guestId && !(await this.guests.exists(dto.guestId)))
      throw new TaskReferenceNotFoundException('Guest');
    if (dto.assigneeId) await this.assertAssignable(access, dto.assigneeId);
    const priority = dto.priority ?? 'standard';
    const dueAt = dto.dueAt ?? (await this.defaultDue(access.propertyId, priority));
    const { assigneeId, ...fields } = dto;
    const id = await this.tasks
      .insert(access.propertyId, { ...fields, priority, dueAt, source: 'manual' }, access.userId)
      .catch(mapReferenceError);
    await this.outbox.publishEvent('task.created', { taskId: id });
    if (assigneeId) return this.move(access, id, 'assign', { assignedTo: assigneeId });
    return this.get(access, id);
  }

  async get(access: PropertyAccess, id: string): Promise<TaskDto> {
    return toDto(await this.require(access, id));
  }

  /** Department queues: department staff see only their department. */
  async list(access: PropertyAccess, q: ListTasksQueryDto): Promise<TaskPageDto> {
    const scope = departmentScope(access);
    const departments = q.department ? [q.department] : scope;
    if (scope && q.department && !scope.includes(q.department))
      throw new OtherDepartmentException(q.department);
    const limit = q.limit ?? 50;
    const rows = await this.tasks.list(access.propertyId, {
      departments: departments ?? undefined,
      statuses: q.status,
      assignee: q.assignee === 'me' ? access.userId : q.assignee,
      priority: q.priority,
      overdue: q.overdue,
      after: q.cursor ? queueCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toDto, (r) => [r.priority_rank, new Date(r.due_at).toISOString(), r.id]);
  }

  async stats(access: PropertyAccess, q: TaskStatsQueryDto): Promise<TaskStatsDto> {
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 7 * 24 * 3600 * 1000).toISOString();
    if (Date.parse(from) >= Date.parse(to)) {
      throw new ValidationFailedException([
        { field: 'from', code: 'beforeTo', message: 'from must be before to' },
      ]);
    }
    const s = await this.tasks.stats(access.propertyId, from, to, departmentScope(access) ?? undefined);
    return {
      from,
      to,
      open: s.open,
      overdue: s.overdue,
      completed: s.completed,
      medianMinutesToComplete: s.median === null ? null : Math.round(Number(s.median) * 10) / 10,
    };
  }

  async update(access: PropertyAccess, id: string, dto: UpdateTaskDto): Promise<TaskDto> {
    const { version, ...changes } = dto;
    const current = await this.require(access, id, true);
    if (!(await this.tasks.update(access.propertyId, id, version, changes, access.userId))) {
      throw new TaskVersionConflictException(current.version);
    }
    await this.outbox.publishEvent('task.updated', { taskId: id });
    return this.get(access, id);
  }

  assign(access: PropertyAccess, id: string, userId: string): Promise<TaskDto> {
    return this.move(access, id, 'assign', { assignedTo: userId });
  }

  claim(access: PropertyAccess, id: string): Promise<TaskDto> {
    return this.move(access, id, 'assign', { assignedTo: access.userId });
  }

  start(access: PropertyAccess, id: string): Promise<TaskDto> {
    return this.move(access, id, 'start');
  }

  complete(access: PropertyAccess, id: string, completionNotes?: string): Promise<TaskDto> {
    return this.move(access, id, 'complete', { completionNotes: completionNotes ?? null });
  }

  cancel(access: PropertyAccess, id: string): Promise<TaskDto> {
    return this.move(access, id, 'cancel');
  }

  reopen(access: PropertyAccess, id: string): Promise<TaskDto> {
    return this.move(access, id, 'reopen');
  }

  private async move(
    access: PropertyAccess,
    id: string,
    move: Move,
    opts: { assignedTo?: string; completionNotes?: string | null } = {},
  ): Promise<TaskDto> {
    const task = await this.require(access, id, true);
    const rule = MOVES[move];
    if (!(rule.from as readonly TaskStatus[]).includes(task.status))
      throw new TaskTransitionException(task.status, rule.verb);
    if (opts.assignedTo && opts.assignedTo !== access.userId)
      await this.assertAssignable(access, opts.assignedTo);
    const change: TaskChange =
      move === 'assign'
        ? { status: 'assigned', assignedTo: opts.assignedTo, stamp: 'assigned_at' }
        : move === 'start'
          ? { status: 'in_progress', stamp: 'started_at' }
          : move === 'complete'
            ? { status: 'completed', stamp: 'completed_at', completionNotes: opts.completionNotes }
            : move === 'cancel'
              ? { status: 'cancelled', stamp: 'cancelled_at' }
              : { status: task.assigned_to ? 'assigned' : 'pending', clearDone: true };
    await this.tasks.change(access.propertyId, id, change, access.userId);
    await this.outbox.publishEvent(rule.event, {
      taskId: id,
      assignedTo: opts.assignedTo ?? task.assigned_to,
    });
    return this.get(access, id);
  }

  /** Reads a task the caller may see (department staff: their department only; else 404/403). */
  private async require(access: PropertyAccess, id: string, forUpdate = false): Promise<TaskRow> {
    const task = await this.tasks.findById(access.propertyId, id, forUpdate);
    if (!task) throw new TaskNotFoundException();
    const scope = departmentScope(access);
    if (scope && !scope.includes(task.department)) throw new OtherDepartmentException(task.department);
    return task;
  }

  private async assertAssignable(access: PropertyAccess, userId: string): Promise<void> {
    if ((await this.memberships.accessFor(userId, access.propertyId)).length === 0) {
      throw new TaskReferenceNotFoundException('Assignee');
    }
  }

  private async defaultDue(
    propertyId: string,
    priority: keyof ReturnType<typeof withDefaults>['tasks']['dueMinutes'],
  ) {
    const property = await this.properties.findById(propertyId);
    const minutes = withDefaults(property?.name ?? '', property?.settings ?? {}).tasks.dueMinutes[priority];
    return new Date(Date.now() + minutes * 60_000).toISOString();
  }
}

/**
 * Who sees which queue: managers and above, front desk and concierge see every department;
 * housekeeping and maintenance staff see their own (their membership's department, else the role).
 */
export function departmentScope(access: PropertyAccess): string[] | null {
  if (hasPermission(access.roles, Permission.TaskManage)) return null;
  return access.department
    ? [access.department]
    : access.roles.filter((r) => r === 'housekeeping' || r === 'maintenance');
}

function mapReferenceError(err: unknown): never {
  const e = err as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = e?.driverError?.code ?? e?.code;
  const constraint = e?.driverError?.constraint ?? e?.constraint;
  if (code === '23503' && constraint === 'tasks_guest_fkey')
    throw new TaskReferenceNotFoundException('Guest');
  if (code === '23503' && constraint === 'tasks_reservation_fkey')
    throw new TaskReferenceNotFoundException('Reservation');
  throw err;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toDto(t: TaskRow): TaskDto {
  return {
    id: t.id,
    type: t.type,
    department: t.department,
    roomNumber: t.room_number,
    description: t.description,
    items: t.items,
    priority: t.priority,
    status: t.status,
    assignedTo: t.assigned_to,
    source: t.source,
    guestId: t.guest_id,
    reservationId: t.reservation_id,
    conversationId: t.conversation_id,
    externalRef: t.external_ref,
    dueAt: new Date(t.due_at).toISOString(),
    overdue: OPEN.includes(t.status) && new Date(t.due_at).getTime() < Date.now(),
    assignedAt: iso(t.assigned_at),
    startedAt: iso(t.started_at),
    completedAt: iso(t.completed_at),
    cancelledAt: iso(t.cancelled_at),
    notes: t.notes,
    completionNotes: t.completion_notes,
    version: t.version,
    createdAt: new Date(t.created_at).toISOString(),
    updatedAt: new Date(t.updated_at).toISOString(),
  };
}

/** Cursor of the queue order (priority rank, due time, id). */
function queueCursor(cursor: string): { rank: number; dueAt: string; id: string } {
  const [rank, dueAt, id] = decodeCursor(
    cursor,
    (k): k is [number, string, string] =>
      k.length === 3 &&
      Number.isInteger(k[0]) &&
      typeof k[1] === 'string' &&
      !Number.isNaN(Date.parse(k[1])) &&
      isUuid(k[2]),
  );
  return { rank, dueAt, id };
}
