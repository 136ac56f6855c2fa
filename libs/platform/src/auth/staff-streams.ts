import { Injectable, Logger, type MessageEvent } from '@nestjs/common';
import {
  catchError,
  concatMap,
  filter,
  interval,
  map,
  merge,
  type Observable,
  of,
  share,
  take,
  takeUntil,
  timer,
} from 'rxjs';

import { MembershipsRepository } from '../identity/repositories/memberships.repository';
import { SessionsRepository } from '../identity/repositories/sessions.repository';
import { type Principal } from '../tenancy/tenant-context';
import { hasPermission, type Permission } from './permissions';

/** How often an open staff stream re-checks that its session and membership still stand. */
export const STAFF_STREAM_RECHECK_MS = 60_000;

/**
 * Staff live streams outlive the request that opened them, so they are bounded like one: a stream
 * ends (with an `end` event saying why) when its access token expires, when the session is signed
 * out or revoked, or when the member loses access to the property or the stream's permission. The client reconnects with a
 * fresh token.
 */
@Injectable()
export class StaffStreams {
  private readonly logger = new Logger(StaffStreams.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  /** `stream`, for as long as the principal holds `permission` on the property. */
  bounded(
    stream: Observable<MessageEvent>,
    principal: Principal,
    propertyId: string,
    permission: Permission,
    recheckMs = STAFF_STREAM_RECHECK_MS,
  ): Observable<MessageEvent> {
    const revoked = interval(recheckMs).pipe(
      concatMap(() => this.allowed(principal, propertyId, permission)),
      filter((ok) => !ok),
      map(() => 'access_revoked'),
    );
    const expired = timer(Math.max(0, principal.expiresAt - Date.now())).pipe(map(() => 'token_expired'));
    const end = merge(revoked, expired).pipe(take(1), share());
    return merge(
      stream.pipe(takeUntil(end)),
      end.pipe(map((reason): MessageEvent => ({ type: 'end', data: { reason } }))),
    );
  }

  /**
   * Session live and an active membership granting the permission; a check that cannot run
   * (database down) keeps the stream.
   */
  private allowed(principal: Principal, propertyId: string, permission: Permission): Observable<boolean> {
    const check = async () =>
      (await this.sessions.isSessionLive(principal.userId, principal.sessionId)) &&
      hasPermission(
        (await this.memberships.accessFor(principal.userId, propertyId)).map((m) => m.role),
        permission,
      );
    return of(null).pipe(
      concatMap(check),
      catchError((err: Error) => {
        this.logger.warn(`staff stream access check skipped: ${err.message}`);
        return of(true);
      }),
    );
  }
}
