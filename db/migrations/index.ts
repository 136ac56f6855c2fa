import { PlatformSpine1795315783514 } from './1795315783514-platform-spine';
import { Guests1795319000000 } from './1795319000000-guests';
import { Reservations1795320000000 } from './1795320000000-reservations';
import { Tasks1795321000000 } from './1795321000000-tasks';
import { PmsSync1795322000000 } from './1795322000000-pms-sync';
import { Conversations1795323000000 } from './1795323000000-conversations';
import { DeliveryRules1795324000000 } from './1795324000000-delivery-rules';
import { InboundIngest1795325000000 } from './1795325000000-inbound-ingest';
import { KnowledgeEntries1795326000000 } from './1795326000000-knowledge-entries';
import { KnowledgeRetrieval1795327000000 } from './1795327000000-knowledge-retrieval';
import { Concierge1795328000000 } from './1795328000000-concierge';
import { LlmEngine1795329000000 } from './1795329000000-llm-engine';
import { SendResults1795330000000 } from './1795330000000-send-results';
import { ConciergeMessageLock1795331000000 } from './1795331000000-concierge-message-lock';
import { OutboxPublishOnCommit1795332000000 } from './1795332000000-outbox-publish-on-commit';
import { ConversationRoundTrips1795333000000 } from './1795333000000-conversation-round-trips';
import { OutboxEventLog1795334000000 } from './1795334000000-outbox-event-log';
import { UuidV7Plpgsql1795335000000 } from './1795335000000-uuid-v7-plpgsql';
import { DeliveryStatusPlans1795336000000 } from './1795336000000-delivery-status-plans';
import { ConversationLockOfMessage1795337000000 } from './1795337000000-conversation-lock-of-message';
import { CheckDomains1795338000000 } from './1795338000000-check-domains';
import { KnowledgeGapQuestions1795339000000 } from './1795339000000-knowledge-gap-questions';

/** Every migration, in order. Listed explicitly so bundlers and test runners need no globbing. */
export const migrations = [
  PlatformSpine1795315783514,
  Guests1795319000000,
  Reservations1795320000000,
  Tasks1795321000000,
  PmsSync1795322000000,
  Conversations1795323000000,
  DeliveryRules1795324000000,
  InboundIngest1795325000000,
  KnowledgeEntries1795326000000,
  KnowledgeRetrieval1795327000000,
  Concierge1795328000000,
  LlmEngine1795329000000,
  SendResults1795330000000,
  ConciergeMessageLock1795331000000,
  OutboxPublishOnCommit1795332000000,
  ConversationRoundTrips1795333000000,
  OutboxEventLog1795334000000,
  UuidV7Plpgsql1795335000000,
  DeliveryStatusPlans1795336000000,
  ConversationLockOfMessage1795337000000,
  CheckDomains1795338000000,
  KnowledgeGapQuestions1795339000000,
];
