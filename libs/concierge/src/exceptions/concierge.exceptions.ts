import { ConflictException, NotFoundException } from '@app/platform';

export enum ConciergeErrorCode {
  PolicyVersionConflict = 'version_conflict',
  ApprovalNotFound = 'approval_not_found',
  ApprovalDecided = 'approval_already_decided',
  TraceNotFound = 'trace_not_found',
}

export class PolicyVersionConflictException extends ConflictException {
  constructor(current: number) {
    super(
      ConciergeErrorCode.PolicyVersionConflict,
      `The AI policy was changed by someone else (now at version ${current}); reload and retry.`,
    );
  }
}

export class ApprovalNotFoundException extends NotFoundException {
  constructor() {
    super('Approval', ConciergeErrorCode.ApprovalNotFound);
  }
}

export class ApprovalDecidedException extends ConflictException {
  constructor(status: string) {
    super(ConciergeErrorCode.ApprovalDecided, `The approval was already ${status}; nothing was done.`);
  }
}

export class TraceNotFoundException extends NotFoundException {
  constructor() {
    super('Decision trace', ConciergeErrorCode.TraceNotFound);
  }
}
