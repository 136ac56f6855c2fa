import { ConversationGateway } from '@app/conversation';
import { TaskDesk } from '@app/operations';
import { decodeTimeIdCursor, keysetPage, OutboxService, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type ApprovalDto,
  type ApprovalPageDto,
  type ApproveDto,
  type ListApprovalsQueryDto,
} from '../dtos/approval.dto';
import { ApprovalDecidedException, ApprovalNotFoundException } from '../exceptions/concierge.exceptions';
import {
  type ApprovalProposal,
  type ApprovalRow,
  ApprovalsRepository,
} from '../repositories/approvals.repository';

/**
 * The approval queue: what the AI proposed under autonomy L1 or VIP suggestion mode, with its
 * context. Approving runs the action exactly once (the row is locked and must still be pending);
 * rejecting needs a reason and hands the conversation to staff.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly desk: TaskDesk,
    private readonly gateway: ConversationGateway,
    private readonly outbox: OutboxService,
  ) {}

  async list(access: PropertyAccess, q: ListApprovalsQueryDto): Promise<ApprovalPageDto> {
    const limit = q.limit ?? 50;
    const rows = await this.approvals.list(
      access.propertyId,
      q.status ?? 'pending',
      q.cursor ? decodeTimeIdCursor(q.cursor) : undefined,
      limit + 1,
    );
    return keysetPage(rows, limit, toDto, (r) => [r.sort_key, r.id]);
  }

  async get(access: PropertyAccess, id: string): Promise<ApprovalDto> {
    return toDto(await this.require(access.propertyId, id));
  }

  async approve(access: PropertyAccess, id: string, dto: ApproveDto): Promise<ApprovalDto> {
    const row = await this.require(access.propertyId, id, true);
    if (row.status !== 'pending') throw new ApprovalDecidedException(row.status);
    const proposal = edit(row.proposal, dto);
    const edited = JSON.stringify(proposal) !== JSON.stringify(row.proposal);
    const result: Record<string, string> = {};
    if (row.kind === 'task' && proposal.task) {
      result.taskId = await this.desk.create({
        ...proposal.task,
        guestId: row.guest_id,
        conversationId: row.conversation_id,
        messageId: row.message_id,
        actorId: access.userId,
      });
    }
    if (proposal.reply) {
      result.messageId = await this.gateway.send(row.conversation_id, {
        content: proposal.reply.content,
        intent: proposal.reply.intent,
        senderType: 'ai',
        senderId: access.userId,
      });
    }
    await this.approvals.decide(access.propertyId, id, {
      status: 'approved',
      userId: access.userId,
      proposal,
      edited,
      result,
    });
    await this.outbox.publishEvent('approval.decided', { approvalId: id, status: 'approved' });
    return this.get(access, id);
  }

  async reject(access: PropertyAccess, id: string, reason: string): Promise<ApprovalDto> {
    const row = await this.require(access.propertyId, id, true);
    if (row.status !== 'pending') throw new ApprovalDecidedException(row.status);
    await this.approvals.decide(access.propertyId, id, {
      status: 'rejected',
      userId: access.userId,
      rejectionReason: reason.trim(),
    });
    // The guest was told to wait: a person now owes them an answer.
    await this.gateway.escalate(row.conversation_id, {
      priority: 'normal',
      reason: 'approval_rejected',
      department: row.department,
      intent: row.intent,
      messageId: row.message_id,
    });
    await this.outbox.publishEvent('approval.decided', { approvalId: id, status: 'rejected' });
    return this.get(access, id);
  }

  private async require(propertyId: string, id: string, forUpdate = false): Promise<ApprovalRow> {
    const row = await this.approvals.findById(propertyId, id, forUpdate);
    if (!row) throw new ApprovalNotFoundException();
    return row;
  }
}

/** The proposal with the approver's changes. */
function edit(p: ApprovalProposal, dto: ApproveDto): ApprovalProposal {
  return {
    ...p,
    reply: p.reply && dto.reply !== undefined ? { ...p.reply, content: dto.reply.trim() } : p.reply,
    task: p.task && dto.task ? { ...p.task, ...definedOnly(dto.task) } : p.task,
  };
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function toDto(r: ApprovalRow): ApprovalDto {
  return {
    id: r.id,
    status: r.status,
    kind: r.kind,
    actionType: r.action_type,
    intent: r.intent,
    department: r.department,
    reason: r.reason,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    guestId: r.guest_id,
    guestMessage: r.proposal.guestMessage,
    guestLanguage: r.proposal.language,
    reply: r.proposal.reply
      ? { content: r.proposal.reply.content, language: r.proposal.reply.language }
      : null,
    task: r.proposal.task,
    edited: r.edited,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    rejectionReason: r.rejection_reason,
    result: r.result,
    createdAt: r.created_at.toISOString(),
  };
}
