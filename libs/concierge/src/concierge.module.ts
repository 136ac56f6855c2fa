import { ConversationModule, InboundHandoff, ReplyTranslators } from '@app/conversation';
import { GuestModule } from '@app/guest';
import { KnowledgeHealthContributors, KnowledgeModule } from '@app/knowledge';
import { OperationsModule } from '@app/operations';
import { DomainEventBus } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { Module, type OnModuleInit } from '@nestjs/common';

import { ApprovalsController } from './controllers/approvals.controller';
import { ConciergeController } from './controllers/concierge.controller';
import { FeedbackController } from './controllers/feedback.controller';
import { KnowledgeGapsController } from './controllers/knowledge-gaps.controller';
import { BuiltinEngine } from './engine/builtin/builtin-engine';
import { LlmClient } from './engine/llm/llm-client';
import { OpenAiEngine } from './engine/llm/openai-engine';
import { ConciergeProcessJob } from './jobs/concierge-process.job';
import { TaskNoticeJob } from './jobs/task-notice.job';
import { AnalyticsRepository } from './repositories/analytics.repository';
import { ApprovalsRepository } from './repositories/approvals.repository';
import { FeedbackRepository } from './repositories/feedback.repository';
import { KnowledgeGapsRepository } from './repositories/knowledge-gaps.repository';
import { PoliciesRepository } from './repositories/policies.repository';
import { TaskNoticesRepository } from './repositories/task-notices.repository';
import { ToolCallsRepository } from './repositories/tool-calls.repository';
import { TracesRepository } from './repositories/traces.repository';
import { AiPolicyService } from './services/ai-policy.service';
import { ApprovalsService } from './services/approvals.service';
import { ConciergeActions } from './services/concierge-actions';
import { ConciergeAnalyticsService } from './services/concierge-analytics.service';
import { ConciergeClock } from './services/concierge-clock';
import { ConciergePipeline } from './services/concierge-pipeline';
import { DecisionTracesService } from './services/decision-traces.service';
import { FeedbackService } from './services/feedback.service';
import { KnowledgeGaps } from './services/knowledge-gaps';
import { KnowledgeGapsService } from './services/knowledge-gaps.service';
import { StaffReplyTranslation } from './services/staff-reply-translation';
import { TaskNotices } from './services/task-notices';

/**
 * The `concierge` bounded context: the AI that understands guest messages, answers from the
 * hotel's knowledge, turns requests into tasks and hands the rest to staff under the property's
 * policy; with decision traces and the approval queue. Owns the `concierge` schema.
 */
@Module({
  imports: [ConversationModule, GuestModule, ReservationModule, OperationsModule, KnowledgeModule],
  controllers: [ConciergeController, ApprovalsController, FeedbackController, KnowledgeGapsController],
  providers: [
    PoliciesRepository,
    TracesRepository,
    ApprovalsRepository,
    ToolCallsRepository,
    AnalyticsRepository,
    TaskNoticesRepository,
    BuiltinEngine,
    LlmClient,
    OpenAiEngine,
    StaffReplyTranslation,
    ConciergeClock,
    AiPolicyService,
    ConciergeActions,
    ConciergePipeline,
    DecisionTracesService,
    ApprovalsService,
    ConciergeAnalyticsService,
    ConciergeProcessJob,
    TaskNotices,
    TaskNoticeJob,
    FeedbackRepository,
    KnowledgeGapsRepository,
    KnowledgeGaps,
    FeedbackService,
    KnowledgeGapsService,
  ],
  exports: [ConciergePipeline, ConciergeClock, KnowledgeGaps],
})
export class ConciergeModule implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly notices: TaskNotices,
    private readonly healthContributors: KnowledgeHealthContributors,
    private readonly gaps: KnowledgeGaps,
    private readonly replyTranslators: ReplyTranslators,
    private readonly staffReplies: StaffReplyTranslation,
    private readonly inbound: InboundHandoff,
    private readonly pipeline: ConciergePipeline,
  ) {}

  /**
   * A guest's completed request is announced to them (see TaskNotices for when and how); the
   * knowledge health report lists the questions the concierge could not answer; staff replies
   * are translated for the guest where the policy has the openai engine; a received guest
   * message goes through the pipeline in the transaction that attached it.
   */
  onModuleInit(): void {
    this.healthContributors.register(this.gaps);
    this.inbound.register((propertyId, messageId, attached) =>
      this.pipeline.runWithin(propertyId, messageId, attached),
    );
    this.replyTranslators.register((propertyId, conversationId, text) =>
      this.staffReplies.translate(propertyId, conversationId, text),
    );
    this.bus.subscribe('task.completed', async (event) => {
      const { taskId } = event.data as { taskId?: string };
      if (taskId) await this.notices.onCompleted(taskId);
    });
  }
}
