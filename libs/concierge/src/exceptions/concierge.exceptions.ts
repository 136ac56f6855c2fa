import { AppException, ConflictException, NotFoundException } from '@app/platform';

export enum ConciergeErrorCode {
  PolicyVersionConflict = 'version_conflict',
  ApprovalNotFound = 'approval_not_found',
  ApprovalDecided = 'approval_already_decided',
  TraceNotFound = 'trace_not_found',
  MessageNotFound = 'message_not_found',
  NotAnAiReply = 'not_an_ai_reply',
  FeedbackNotFound = 'feedback_not_found',
  GapNotFound = 'knowledge_gap_not_found',
  GapClosed = 'knowledge_gap_closed',
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

export class MessageNotFoundException extends NotFoundException {
  constructor() {
    super('Message', ConciergeErrorCode.MessageNotFound);
  }
}

export class NotAnAiReplyException extends AppException {
  constructor(senderType: string) {
    super(
      ConciergeErrorCode.NotAnAiReply,
      422,
      'Unprocessable content',
      `Only replies the AI sent to the guest can be rated; this message is from the ${senderType}.`,
    );
  }
}

export class FeedbackNotFoundException extends NotFoundException {
  constructor() {
    super('Feedback', ConciergeErrorCode.FeedbackNotFound);
  }
}

export class KnowledgeGapNotFoundException extends NotFoundException {
  constructor() {
    super('Knowledge gap', ConciergeErrorCode.GapNotFound);
  }
}

export class KnowledgeGapClosedException extends ConflictException {
  constructor(status: string) {
    super(ConciergeErrorCode.GapClosed, `The knowledge gap was already ${status}; nothing was done.`);
  }
}
