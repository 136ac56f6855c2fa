import { type Understanding } from '../engine/builtin/builtin-engine';
import { type IntentId } from '../engine/intent-taxonomy';
import { ConciergeToolbox } from '../engine/llm/concierge-tools';
import { type LlmOutcome } from '../engine/llm/openai-engine';
import { DEFAULT_POLICY } from './ai-policy';
import { llmDecision } from './llm-decision';

const understood = (intent: IntentId, confidence: number): Understanding => ({
  language: { language: 'en', source: 'detected' } as Understanding['language'],
  intent,
  confidence,
  alternatives: [],
  sentiment: 'neutral',
  entities: {},
  matched: [],
  asks: true,
});

function outcome(reply: string | null, set: (box: ConciergeToolbox) => void = () => undefined): LlmOutcome {
  const toolbox = new ConciergeToolbox({
    searchKnowledge: () => Promise.resolve([]),
    stays: () => Promise.resolve({ current: null, next: null }),
  });
  set(toolbox);
  return { reply, toolbox, redactions: [], rounds: 1 };
}

const run = (u: Understanding, o: LlmOutcome, extra: { vip?: boolean; identified?: boolean } = {}) =>
  llmDecision(DEFAULT_POLICY, {
    understood: u,
    outcome: o,
    identified: extra.identified ?? true,
    vip: extra.vip ?? false,
    earlierSameIntent: () => Promise.resolve(0),
  });

describe('llmDecision', () => {
  it('turns the model’s emergency hand-over into an urgent escalation with the safety line', async () => {
    const d = await run(
      understood('unknown', 0.2),
      outcome(
        'Stay calm',
        (b) => (b.escalation = { reason: 'emergency', priority: 'standard', summary: null }),
      ),
    );
    expect(d.decision).toMatchObject({
      outcome: 'escalated',
      reason: 'emergency',
      priority: 'urgent',
      reply: 'emergency',
    });
    expect(d.understood.intent).toBe('emergency');
    expect(d.text).toBeNull();
  });

  it('decides a proposed task like any request: its own confidence against the threshold', async () => {
    const task = (confidence: number) => (b: ConciergeToolbox) =>
      (b.task = {
        intent: 'request.towels',
        items: [{ item: 'towel', quantity: 2 }],
        time: null,
        details: null,
        confidence,
      });
    const sure = await run(understood('unknown', 0.3), outcome('ok', task(0.9)));
    expect(sure.decision).toMatchObject({ outcome: 'task_created', reply: 'confirmation' });
    expect(sure.understood).toMatchObject({
      intent: 'request.towels',
      entities: { items: [{ item: 'towel', quantity: 2 }] },
    });
    const unsure = await run(understood('unknown', 0.3), outcome('ok', task(0.4)));
    expect(unsure.decision).toMatchObject({ outcome: 'escalated', reason: 'low_confidence' });
    const stranger = await run(understood('unknown', 0.3), outcome('ok', task(0.9)), { identified: false });
    expect(stranger.decision).toMatchObject({ outcome: 'escalated', reason: 'identity_unverified' });
  });

  it('sends a reply only when a tool grounded it', async () => {
    const invented = await run(understood('inquiry.amenities', 0.9), outcome('The spa opens at 9.'));
    expect(invented.decision).toMatchObject({ outcome: 'escalated', reason: 'no_knowledge' });
    expect(invented.text).toBeNull();
    const grounded = await run(
      understood('unknown', 0.1),
      outcome('The spa opens at 9.', (b) => (b.grounded = true)),
    );
    expect(grounded.decision).toMatchObject({ outcome: 'auto_replied', reply: 'answer' });
    expect(grounded.text).toBe('The spa opens at 9.');
    const social = await run(understood('social.thanks', 0.95), outcome('You are welcome!'));
    expect(social.decision).toMatchObject({ outcome: 'auto_replied', reply: 'social' });
  });

  it('gives a request the model did not act on back to the builtin engine', async () => {
    const d = await run(understood('request.towels', 0.9), outcome('Sure!'));
    expect(d.decision).toBe('builtin');
  });

  it('still applies VIP suggestion mode to the model’s answers', async () => {
    const d = await llmDecision(
      { ...DEFAULT_POLICY, vipMode: 'suggest' },
      {
        understood: understood('inquiry.wifi', 0.9),
        outcome: outcome('The password is on the card.', (b) => (b.grounded = true)),
        identified: true,
        vip: true,
        earlierSameIntent: () => Promise.resolve(0),
      },
    );
    expect(d.decision).toMatchObject({
      outcome: 'queued_for_approval',
      rule: 'vip_suggestion',
      proposed: 'answer',
    });
  });
});
