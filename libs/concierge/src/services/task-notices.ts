import { ConversationGateway } from '@app/conversation';
import { type DeskTask, TaskDesk } from '@app/operations';
import { DeferJob, JobName, localDate, OutboxService, TenantDb } from '@app/platform';
import { StayLookup } from '@app/reservation';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { BuiltinEngine } from '../engine/builtin/builtin-engine';
import { departmentName, itemList, type WordingLanguage } from '../engine/builtin/wording';
import { type Department, type Item, ITEMS } from '../engine/intent-taxonomy';
import { TaskNoticesRepository } from '../repositories/task-notices.repository';
import { type AiPolicy } from './ai-policy';
import { AiPolicyService } from './ai-policy.service';
import { ConciergeClock } from './concierge-clock';

/** Tasks completed within this window of each other reach the guest as one message. */
export const NOTICE_BATCH_MS = 60_000;
export const TASK_DONE_INTENT = 'concierge.task_done';

/**
 * Tells guests their requests are done: a completed task that came from a conversation gets a
 * notice, sent a minute later together with any other task of that conversation completed
 * meanwhile; never after the guest's stay has ended; held until the property's quiet hours end
 * unless the task was urgent.
 */
@Injectable()
export class TaskNotices {
  constructor(
    private readonly db: TenantDb,
    private readonly desk: TaskDesk,
    private readonly notices: TaskNoticesRepository,
    private readonly gateway: ConversationGateway,
    private readonly stays: StayLookup,
    private readonly policies: AiPolicyService,
    private readonly outbox: OutboxService,
    private readonly engine: BuiltinEngine,
    private readonly clock: ConciergeClock,
  ) {}

  /** On `task.completed` (in the event's transaction): records the notice and queues its send. */
  async onCompleted(taskId: string): Promise<void> {
    const task = await this.desk.find(taskId);
    if (!task || task.status !== 'completed' || !task.conversationId) return;
    const { zone, policy } = await this.settings();
    const due = this.releaseTime(new Date(this.clock.now().getTime() + NOTICE_BATCH_MS), task, policy, zone);
    if (await this.notices.add(this.db.propertyId, task.id, task.conversationId, due))
      await this.outbox.enqueue(JobName.ConciergeTaskNotice, { conversationId: task.conversationId });
  }

  /** Sends the conversation's due notices as one message; defers while the earliest is not due. */
  async send(conversationId: string): Promise<string> {
    const propertyId = this.db.propertyId;
    const pending = await this.notices.pending(propertyId, conversationId);
    if (pending.length === 0) return 'nothing pending';
    const now = this.clock.now().getTime();
    const earliest = pending[0].due_at.getTime();
    if (earliest > now) throw new DeferJob(earliest - now, 'waiting for the batch window or quiet hours');
    // Everything completed within the batch window of the earliest goes out with it.
    const batch = pending.filter((n) => n.due_at.getTime() <= now + NOTICE_BATCH_MS);
    const ids = batch.map((n) => n.id);
    const conversation = await this.gateway.conversation(conversationId);
    if (!conversation || ['resolved', 'closed'].includes(conversation.state)) {
      await this.notices.markSkipped(propertyId, ids, 'conversation_closed');
      return 'skipped: conversation closed';
    }
    const { zone, policy, language } = await this.settings(conversation.guestLanguage);
    // The stay is judged by the property's date, which is not the server's.
    const stays = await this.stays.staysOf(conversation.guestId, localDate(zone, this.clock.now()));
    if (!stays.current) {
      await this.notices.markSkipped(propertyId, ids, 'after_checkout');
      return 'skipped: the stay has ended';
    }
    const tasks = (await Promise.all(batch.map((n) => this.desk.find(n.task_id)))).filter(
      (t): t is DeskTask => t !== undefined && t.status === 'completed',
    );
    if (tasks.length === 0) {
      await this.notices.markSkipped(propertyId, ids, 'reopened');
      return 'skipped: reopened';
    }
    const summary = tasks.map((t) => describe(language, t)).join(', ');
    const text = this.engine.line(
      language,
      tasks.length > 1 ? 'tasksDone' : 'taskDone',
      { task: summary, tasks: summary },
      policy.wording,
    );
    const messageId = await this.gateway.send(conversationId, {
      content: text,
      intent: TASK_DONE_INTENT,
      senderType: 'ai',
    });
    await this.notices.markSent(propertyId, ids, messageId);
    return `sent ${tasks.length} notice(s)`;
  }

  /** `at`, moved to the end of quiet hours when it falls inside them (urgent tasks are never held). */
  private releaseTime(at: Date, task: DeskTask, policy: AiPolicy, zone: string): Date {
    if (!policy.quietHours || task.priority === 'urgent') return at;
    const local = DateTime.fromJSDate(at).setZone(zone);
    const [sh, sm] = policy.quietHours.start.split(':').map(Number);
    const [eh, em] = policy.quietHours.end.split(':').map(Number);
    const minutes = local.hour * 60 + local.minute;
    const start = sh * 60 + sm;
    const end = eh * 60 + em;
    const inside = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
    if (!inside) return at;
    let release = local.set({ hour: eh, minute: em, second: 0, millisecond: 0 });
    if (release <= local) release = release.plus({ days: 1 });
    return release.toJSDate();
  }

  private async settings(guestLanguage?: string | null) {
    const { property, policy } = await this.policies.forProperty(this.db.propertyId);
    const language = this.engine.replyLanguage(guestLanguage ?? property.language, property.language);
    return { zone: property.timezone, policy, language };
  }
}

/** "2 towels" for a delivery, else the department that took care of it. */
function describe(language: WordingLanguage, t: DeskTask): string {
  const known = new Set<string>(ITEMS);
  const items = t.items.filter((i): i is { item: Item; quantity: number } => known.has(i.item));
  if (items.length === t.items.length && items.length > 0) return itemList(language, items);
  return departmentName(language, t.department as Department) ?? t.department;
}
