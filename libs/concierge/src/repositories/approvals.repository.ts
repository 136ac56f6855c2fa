import { cursorKeyUtc, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** What the concierge proposes: the reply it would send and, for a task, the task it would create. */
export interface ApprovalProposal {
  reply: { content: string; language: string; intent: string } | null;
  task: {
    type: string;
    department: string;
    roomNumber: string | null;
    description: string;
    items: { item: string; quantity: number }[];
    priority: 'urgent' | 'high' | 'standard' | 'low';
    dueAt: string;
    reservationId: string | null;
  } | null;
  /** The guest's message, for the approver's context. */
  guestMessage: string;
  language: string;
}

export interface ApprovalRow {
  id: string;
  conversation_id: string;
  message_id: string;
  guest_id: string | null;
  kind: 'reply' | 'task';
  action_type: string;
  intent: string;
  department: string;
  reason: string;
  proposal: ApprovalProposal;
  status: ApprovalStatus;
  edited: boolean;
  decided_by: string | null;
  decided_at: Date | null;
  rejection_reason: string | null;
  result: Record<string, unknown> | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const FIELDS = `id, conversation_id, message_id, guest_id, kind, action_type, intent, department, reason, proposal, status,
  edited, decided_by, decided_at, rejection_reason, result, version, created_at, updated_at`;

/** concierge.approvals: the approval queue. */
@Injectable()
export class ApprovalsRepository {
  constructor(private readonly db: TenantDb) {}

  async insert(
    propertyId: string,
    a: {
      conversationId: string;
      messageId: string;
      guestId: string | null;
      kind: 'reply' | 'task';
      actionType: string;
      intent: string;
      department: string;
      reason: string;
      proposal: ApprovalProposal;
    },
  ): Promise<string> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into concierge.approvals (property_id, conversation_id, message_id, guest_id, kind, action_type, intent,
                department, reason, proposal)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
        [
          propertyId,
          a.conversationId,
          a.messageId,
          a.guestId,
          a.kind,
          a.actionType,
          a.intent,
          a.department,
          a.reason,
          JSON.stringify(a.proposal),
        ],
      ),
    );
    return rows[0].id;
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<ApprovalRow | undefined> {
    const rows = await rowsOf<ApprovalRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.approvals where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** Oldest first, after an optional (created_at, id) key. */
  list(
    propertyId: string,
    status: ApprovalStatus,
    after: { at: string; id: string } | undefined,
    limit: number,
  ): Promise<(ApprovalRow & { sort_key: string })[]> {
    return rowsOf<ApprovalRow & { sort_key: string }>(
      this.db.manager.query(
        `select ${FIELDS}, ${cursorKeyUtc('created_at', 'sort_key')}
           from concierge.approvals
          where property_id = $1 and status = $2
            and ($3::timestamptz is null or (created_at, id) > ($3::timestamptz, $4::uuid))
          order by created_at, id limit $5`,
        [propertyId, status, after?.at ?? null, after?.id ?? null, limit],
      ),
    );
  }

  /** Records a decision on a pending approval; false when it was already decided. */
  async decide(
    propertyId: string,
    id: string,
    d: {
      status: 'approved' | 'rejected';
      userId: string;
      proposal?: ApprovalProposal;
      edited?: boolean;
      rejectionReason?: string;
      result?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update concierge.approvals
            set status = $3, decided_by = $4, decided_at = now(), proposal = coalesce($5::jsonb, proposal),
                edited = $6, rejection_reason = $7, result = $8, version = version + 1
          where property_id = $1 and id = $2 and status = 'pending' returning id`,
        [
          propertyId,
          id,
          d.status,
          d.userId,
          d.proposal ? JSON.stringify(d.proposal) : null,
          d.edited ?? false,
          d.rejectionReason ?? null,
          d.result ? JSON.stringify(d.result) : null,
        ],
      ),
    );
    return rows.length > 0;
  }
}
