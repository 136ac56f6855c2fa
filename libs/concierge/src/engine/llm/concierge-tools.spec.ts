import { type Stay } from '@app/reservation';

import { ConciergeToolbox, TOOL_DEFINITIONS, type ToolScope } from './concierge-tools';

const stay = (confirmationNumber: string, roomNumber: string): Stay => ({
  reservationId: `r-${confirmationNumber}`,
  confirmationNumber,
  roomNumber,
  roomType: 'Double',
  status: 'checked_in',
  arrivalDate: '2026-11-20',
  departureDate: '2026-11-25',
});

function toolbox(passages: { title: string; content: string; score: number }[] = []) {
  const searched: string[] = [];
  const scope: ToolScope = {
    searchKnowledge: (query) => {
      searched.push(query);
      return Promise.resolve(passages);
    },
    stays: () => Promise.resolve({ current: stay('ABC123', '204'), next: null }),
  };
  return { box: new ConciergeToolbox(scope), searched };
}

describe('ConciergeToolbox', () => {
  it('offers exactly the four tools, each with a closed JSON schema', () => {
    expect(TOOL_DEFINITIONS.map((t) => t.function.name)).toEqual([
      'search_knowledge',
      'get_reservation',
      'create_task',
      'escalate_to_staff',
    ]);
    for (const t of TOOL_DEFINITIONS) expect(t.function.parameters.additionalProperties).toBe(false);
  });

  it('searches knowledge and counts the answer grounded only when passages came back', async () => {
    const empty = toolbox();
    await empty.box.execute('search_knowledge', '{"query":"spa hours"}');
    expect(empty.box.grounded).toBe(false);
    const found = toolbox([{ title: 'Spa', content: 'Open 9–21.', score: 0.8 }]);
    const r = await found.box.execute('search_knowledge', '{"query":"spa hours"}');
    expect(r).toMatchObject({ status: 'completed', output: { found: 1 } });
    expect(found.box.grounded).toBe(true);
    expect(found.searched).toEqual(['spa hours']);
  });

  it("returns the guest's own reservation, and refuses anyone else's", async () => {
    const { box } = toolbox();
    expect(await box.execute('get_reservation', '{}')).toMatchObject({
      status: 'completed',
      output: { confirmation_number: 'ABC123', room: '204' },
    });
    expect(await box.execute('get_reservation', '{"confirmation_number":"abc123"}')).toMatchObject({
      status: 'completed',
    });
    const other = await box.execute('get_reservation', '{"confirmation_number":"XYZ999"}');
    expect(other.status).toBe('refused');
    expect(JSON.stringify(other.output)).not.toMatch(/204|ABC123/);
    expect(await box.execute('get_reservation', '{"guest_name":"Smith"}')).toMatchObject({
      status: 'failed',
    });
  });

  it('keeps a task as a proposal, for the guest’s own room only, one per message', async () => {
    const { box } = toolbox();
    expect(
      await box.execute(
        'create_task',
        JSON.stringify({ intent: 'request.towels', room: '305', confidence: 0.9 }),
      ),
    ).toMatchObject({ status: 'refused' });
    expect(box.task).toBeNull();
    const ok = await box.execute(
      'create_task',
      JSON.stringify({
        intent: 'request.towels',
        items: [{ item: 'towel', quantity: 2 }],
        time: '21:30',
        confidence: 0.9,
      }),
    );
    expect(ok.status).toBe('completed');
    expect(box.task).toEqual({
      intent: 'request.towels',
      items: [{ item: 'towel', quantity: 2 }],
      time: '21:30',
      details: null,
      confidence: 0.9,
    });
    expect((await box.execute('create_task', '{"intent":"request.cleaning","confidence":0.9}')).status).toBe(
      'refused',
    );
  });

  it('fails malformed or out-of-schema arguments with a reason, and refuses unknown tools', async () => {
    const { box } = toolbox();
    expect((await box.execute('create_task', '{"intent":')).error).toMatch(/not valid JSON/);
    const bad = await box.execute(
      'create_task',
      JSON.stringify({ intent: 'social.greeting', time: '25:00', confidence: -1, extra: true }),
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/\/intent must be equal to one of the allowed values/);
    expect(bad.error).toMatch(/\/time must match pattern/);
    expect(bad.error).toMatch(/\/confidence must be >= 0/);
    expect(bad.error).toMatch(/must NOT have additional properties/);
    expect(await box.execute('delete_guest', '{}')).toMatchObject({ status: 'refused' });
    expect(box.calls.map((c) => c.status)).toEqual(['failed', 'failed', 'refused']);
  });

  it('keeps a hand-over as a proposal, and a second one never lowers it', async () => {
    const { box } = toolbox();
    await box.execute('escalate_to_staff', '{"reason":"complaint","priority":"high","summary":"Cold food"}');
    expect(box.escalation).toEqual({ reason: 'complaint', priority: 'high', summary: 'Cold food' });
    await box.execute('escalate_to_staff', '{"reason":"other","priority":"low"}');
    expect(box.escalation?.reason).toBe('complaint');
    await box.execute('escalate_to_staff', '{"reason":"emergency","priority":"standard"}');
    await box.execute('escalate_to_staff', '{"reason":"human_request","priority":"urgent"}');
    expect(box.escalation?.reason).toBe('emergency');
  });
});
