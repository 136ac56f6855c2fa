import { type IntentId, intentOf } from '../engine/intent-taxonomy';
import { type AiPolicy, DEFAULT_POLICY, withPolicyDefaults } from './ai-policy';
import { decide, type DecisionInput, SENSITIVE_RUNNER_UP } from './policy-decision';

const input = (intent: IntentId, extra: Partial<DecisionInput> = {}): DecisionInput => ({
  intent,
  definition: intentOf(intent),
  confidence: 0.9,
  sentiment: 'neutral',
  identified: true,
  vip: false,
  earlierSameIntent: 0,
  answered: null,
  ...extra,
});

const policy = (p: Partial<AiPolicy> = {}) => withPolicyDefaults(p);

describe(decide.name, () => {
  describe('only what was asked is answered', () => {
    it('answers a question, and escalates a statement that only mentions the topic', () => {
      expect(decide(policy(), input('inquiry.parking', { answered: true, asks: true }))).toMatchObject({
        outcome: 'auto_replied',
      });
      expect(decide(policy(), input('inquiry.parking', { answered: true, asks: false }))).toMatchObject({
        outcome: 'escalated',
        rule: 'not_a_question',
        reason: 'low_confidence',
        reply: 'holding',
      });
    });

    it('still makes tasks of requests and answers small talk whatever their form', () => {
      expect(decide(policy(), input('request.towels', { asks: false }))).toMatchObject({
        outcome: 'task_created',
      });
      expect(decide(policy(), input('social.thanks', { asks: false }))).toMatchObject({
        outcome: 'auto_replied',
      });
    });
  });

  describe('safety first', () => {
    it('escalates an emergency as urgent with the safety reply, whatever the confidence', () => {
      const d = decide(policy(), input('emergency', { confidence: 0.2, identified: false }));
      expect(d).toMatchObject({
        outcome: 'escalated',
        reason: 'emergency',
        priority: 'urgent',
        reply: 'emergency',
      });
    });

    it('hands a request for a person to staff with a holding line', () => {
      expect(decide(policy(), input('human_request'))).toMatchObject({
        outcome: 'escalated',
        reason: 'human_request',
        reply: 'holding',
      });
    });

    it.each<IntentId>([
      'billing.refund',
      'billing.dispute',
      'inquiry.billing',
      'request.reservation_cancel',
      'feedback.complaint',
      'legal',
      'medical',
    ])('escalates the restricted topic %s even when confident and answered', (intent) => {
      const d = decide(policy(), input(intent, { confidence: 0.99, answered: true }));
      expect(d).toMatchObject({ outcome: 'escalated', reason: 'restricted_topic', task: false });
      expect(['high', 'urgent']).toContain(d.priority);
    });

    it('escalates to the runner-up department when a money, complaint, legal, medical or emergency runner-up is close enough', () => {
      const pool = input('inquiry.amenities', {
        answered: true,
        asks: true,
        alternatives: [
          { intent: 'inquiry.reservation_status', confidence: 0.33 },
          { intent: 'billing.refund', confidence: SENSITIVE_RUNNER_UP },
        ],
      });
      const d = decide(policy(), pool);
      expect(d).toMatchObject({
        outcome: 'escalated',
        rule: 'sensitive_runner_up',
        reason: 'restricted_topic',
        department: 'billing',
        reply: 'holding',
        task: false,
      });
      expect(['high', 'urgent']).toContain(d.priority);

      const repair = input('request.maintenance', {
        alternatives: [{ intent: 'emergency', confidence: 0.3 }],
      });
      expect(decide(policy(), repair)).toMatchObject({ rule: 'sensitive_runner_up', priority: 'urgent' });
    });

    it('does not escalate for a faint sensitive runner-up, a billing question, or under small talk', () => {
      const faint = input('inquiry.amenities', {
        answered: true,
        asks: true,
        alternatives: [{ intent: 'billing.refund', confidence: SENSITIVE_RUNNER_UP - 0.01 }],
      });
      expect(decide(policy(), faint)).toMatchObject({ outcome: 'auto_replied' });
      const price = input('inquiry.parking', {
        answered: true,
        asks: true,
        alternatives: [{ intent: 'inquiry.billing', confidence: 0.6 }],
      });
      expect(decide(policy(), price)).toMatchObject({ outcome: 'auto_replied' });
      const thanks = input('social.thanks', {
        alternatives: [{ intent: 'feedback.complaint', confidence: 0.4 }],
      });
      expect(decide(policy(), thanks)).toMatchObject({ outcome: 'auto_replied' });
    });

    it('escalates negative sentiment, unless the policy turns that off', () => {
      const angry = input('request.towels', { sentiment: 'negative' });
      expect(decide(policy(), angry)).toMatchObject({ outcome: 'escalated', reason: 'negative_sentiment' });
      expect(decide(policy({ escalateNegativeSentiment: false }), angry)).toMatchObject({
        outcome: 'task_created',
      });
    });

    it('escalates the same question asked the third time (the limit is configurable)', () => {
      const third = input('inquiry.wifi', { earlierSameIntent: 2, answered: true });
      expect(decide(policy(), third)).toMatchObject({ outcome: 'escalated', reason: 'repeated_question' });
      expect(decide(policy(), { ...third, earlierSameIntent: 1 })).toMatchObject({ outcome: 'auto_replied' });
      expect(decide(policy({ repeatLimit: 5 }), third)).toMatchObject({ outcome: 'auto_replied' });
    });

    it('never counts greetings and thanks as repeated questions', () => {
      expect(decide(policy(), input('social.thanks', { earlierSameIntent: 5 }))).toMatchObject({
        outcome: 'auto_replied',
      });
    });

    it('escalates below the confidence threshold, and unknown messages at any confidence', () => {
      expect(decide(policy(), input('request.towels', { confidence: 0.69 }))).toMatchObject({
        outcome: 'escalated',
        reason: 'low_confidence',
      });
      expect(
        decide(policy({ confidenceThreshold: 0.5 }), input('request.towels', { confidence: 0.6 })),
      ).toMatchObject({
        outcome: 'task_created',
      });
      expect(decide(policy(), input('unknown', { confidence: 0.95 }))).toMatchObject({
        reason: 'low_confidence',
      });
    });

    it('asks staff to verify a guest who is not matched to a current stay before acting', () => {
      expect(decide(policy(), input('request.towels', { identified: false }))).toMatchObject({
        outcome: 'escalated',
        reason: 'identity_unverified',
        reply: 'identity',
        task: false,
      });
      // Lost and found needs no stay.
      expect(decide(policy(), input('request.lost_and_found', { identified: false }))).toMatchObject({
        outcome: 'task_created',
      });
    });
  });

  describe('answers', () => {
    it('answers an inquiry the knowledge answers, and escalates one it does not', () => {
      expect(decide(policy(), input('inquiry.wifi', { answered: true }))).toMatchObject({
        outcome: 'auto_replied',
        reply: 'answer',
      });
      expect(decide(policy(), input('inquiry.wifi', { answered: false }))).toMatchObject({
        outcome: 'escalated',
        reason: 'no_knowledge',
        reply: 'no_answer',
      });
    });

    it('answers reservation questions from the stay only for a matched guest', () => {
      expect(decide(policy(), input('inquiry.reservation_status', { answered: true }))).toMatchObject({
        reply: 'reservation',
        outcome: 'auto_replied',
      });
      expect(decide(policy(), input('inquiry.reservation_status', { identified: false }))).toMatchObject({
        reason: 'identity_unverified',
      });
    });

    it('greets, thanks and says goodbye on its own', () => {
      for (const intent of [
        'social.greeting',
        'social.thanks',
        'social.farewell',
        'feedback.compliment',
      ] as const)
        expect(decide(policy(), input(intent))).toMatchObject({ outcome: 'auto_replied', reply: 'social' });
    });

    it('holds replies for approval at autonomy L1', () => {
      const l1 = policy({ autonomy: { ...DEFAULT_POLICY.autonomy, reply: 'L1' } });
      expect(decide(l1, input('inquiry.wifi', { answered: true }))).toMatchObject({
        outcome: 'queued_for_approval',
        approval: 'reply',
        proposed: 'answer',
        reply: 'holding',
      });
    });
  });

  describe('requests', () => {
    it('creates housekeeping, maintenance, concierge and room-service tasks on its own by default', () => {
      for (const intent of [
        'request.towels',
        'request.maintenance',
        'request.concierge',
        'request.room_service',
      ] as const)
        expect(decide(policy(), input(intent))).toMatchObject({
          outcome: 'task_created',
          task: true,
          reply: 'confirmation',
        });
    });

    it.each<IntentId>(['request.room_change', 'request.late_checkout'])(
      'proposes %s for approval by default (L1), with a holding line',
      (intent) => {
        expect(decide(policy(), input(intent))).toMatchObject({
          outcome: 'queued_for_approval',
          approval: 'task',
          proposed: 'confirmation',
          reply: 'holding',
          rule: 'autonomy_l1',
        });
      },
    );

    it('follows per-department task autonomy over the general setting', () => {
      const p = policy({ departmentAutonomy: { maintenance: 'L1' } });
      expect(decide(p, input('request.maintenance'))).toMatchObject({ outcome: 'queued_for_approval' });
      expect(decide(p, input('request.towels'))).toMatchObject({ outcome: 'task_created' });
      const allL1 = policy({
        autonomy: { ...DEFAULT_POLICY.autonomy, create_task: 'L1' },
        departmentAutonomy: { housekeeping: 'L2' },
      });
      expect(decide(allL1, input('request.towels'))).toMatchObject({ outcome: 'task_created' });
      expect(decide(allL1, input('request.maintenance'))).toMatchObject({ outcome: 'queued_for_approval' });
    });

    it('lets late check-out run on its own once a manager sets it to L2', () => {
      const p = policy({ autonomy: { ...DEFAULT_POLICY.autonomy, late_checkout: 'L2' } });
      expect(decide(p, input('request.late_checkout'))).toMatchObject({ outcome: 'task_created' });
    });
  });

  describe('VIP guests', () => {
    it('only suggests for VIPs in suggestion mode: replies and tasks wait for staff', () => {
      const p = policy({ vipMode: 'suggest' });
      expect(decide(p, input('request.towels', { vip: true }))).toMatchObject({
        outcome: 'queued_for_approval',
        rule: 'vip_suggestion',
        approval: 'task',
      });
      expect(decide(p, input('social.greeting', { vip: true }))).toMatchObject({
        outcome: 'queued_for_approval',
        approval: 'reply',
        proposed: 'social',
      });
      expect(decide(p, input('request.towels', { vip: false }))).toMatchObject({ outcome: 'task_created' });
      expect(decide(policy(), input('request.towels', { vip: true }))).toMatchObject({
        outcome: 'task_created',
      });
    });

    it('still escalates a VIP emergency at once', () => {
      expect(decide(policy({ vipMode: 'suggest' }), input('emergency', { vip: true }))).toMatchObject({
        outcome: 'escalated',
        reply: 'emergency',
      });
    });
  });
});
