import { type MessageEvent } from '@nestjs/common';
import { concat, firstValueFrom, NEVER, type Observable, of, toArray } from 'rxjs';

import { type MembershipsRepository } from '../identity/repositories/memberships.repository';
import { type SessionsRepository } from '../identity/repositories/sessions.repository';
import { Permission } from './permissions';
import { StaffStreams } from './staff-streams';

const principal = (expiresInMs: number) => ({
  userId: '0190a3e2-7c1f-7000-8000-000000000001',
  sessionId: '0190a3e2-7c1f-7000-8000-000000000002',
  expiresAt: Date.now() + expiresInMs,
});
const propertyId = '0190a3e2-7c1f-7000-8000-000000000003';

function streams(check: { live: () => Promise<boolean>; members: () => Promise<unknown[]> }) {
  return new StaffStreams(
    { isSessionLive: check.live } as unknown as SessionsRepository,
    { accessFor: check.members } as unknown as MembershipsRepository,
  );
}

const events = (o: Observable<MessageEvent>) => firstValueFrom(o.pipe(toArray()));
const live: Observable<MessageEvent> = concat(of({ type: 'ready', data: {} }), NEVER);

describe(StaffStreams.name, () => {
  it('ends the stream with token_expired when the access token expires', async () => {
    const s = streams({
      live: () => Promise.resolve(true),
      members: () => Promise.resolve([{ role: 'front_desk' }]),
    });

    const got = await events(s.bounded(live, principal(60), propertyId, Permission.ConversationRead, 1000));

    expect(got).toEqual([
      { type: 'ready', data: {} },
      { type: 'end', data: { reason: 'token_expired' } },
    ]);
  });

  it('ends the stream with access_revoked once the session ends or the role loses the permission', async () => {
    let membership: unknown[] = [{ role: 'front_desk' }];
    const s = streams({ live: () => Promise.resolve(true), members: () => Promise.resolve(membership) });
    setTimeout(() => (membership = [{ role: 'housekeeping' }]), 70); // no inbox access any more

    const got = await events(s.bounded(live, principal(60_000), propertyId, Permission.ConversationRead, 25));

    expect(got.map((e) => e.type)).toEqual(['ready', 'end']);
    expect(got[1].data).toEqual({ reason: 'access_revoked' });
    const signedOut = streams({
      live: () => Promise.resolve(false),
      members: () => Promise.resolve([{ role: 'front_desk' }]),
    });
    expect(
      await events(signedOut.bounded(live, principal(60_000), propertyId, Permission.ConversationRead, 20)),
    ).toContainEqual({
      type: 'end',
      data: { reason: 'access_revoked' },
    });
  });

  it('keeps the stream while a check cannot run (database down), until the token expires', async () => {
    const s = streams({
      live: () => Promise.reject(new Error('connection refused')),
      members: () => Promise.resolve([]),
    });

    const got = await events(s.bounded(live, principal(120), propertyId, Permission.ConversationRead, 20));

    expect(got.map((e) => e.data)).toEqual([{}, { reason: 'token_expired' }]);
  });
});
