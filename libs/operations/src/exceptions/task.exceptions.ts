import { AppException, ConflictException, ForbiddenException, NotFoundException } from '@app/platform';

export enum TaskErrorCode {
  NotFound = 'task_not_found',
  InvalidTransition = 'invalid_transition',
  VersionConflict = 'version_conflict',
  AssigneeNotFound = 'assignee_not_found',
  GuestNotFound = 'guest_not_found',
  ReservationNotFound = 'reservation_not_found',
  OtherDepartment = 'other_department',
}

export class TaskNotFoundException extends NotFoundException {
  constructor() {
    super('Task', TaskErrorCode.NotFound);
  }
}

export class TaskReferenceNotFoundException extends NotFoundException {
  constructor(what: 'Assignee' | 'Guest' | 'Reservation') {
    super(
      what,
      what === 'Assignee'
        ? TaskErrorCode.AssigneeNotFound
        : what === 'Guest'
          ? TaskErrorCode.GuestNotFound
          : TaskErrorCode.ReservationNotFound,
    );
  }
}

export class TaskTransitionException extends ConflictException {
  constructor(from: string, action: string) {
    super(TaskErrorCode.InvalidTransition, `A ${from.replace('_', ' ')} task cannot be ${action}.`);
  }
}

export class TaskVersionConflictException extends AppException {
  constructor(current: number) {
    super(
      TaskErrorCode.VersionConflict,
      409,
      'Conflict',
      `The task was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class OtherDepartmentException extends ForbiddenException {
  constructor(department: string) {
    super(
      `This task belongs to ${department}; only its staff or a manager can work it.`,
      TaskErrorCode.OtherDepartment,
    );
  }
}
