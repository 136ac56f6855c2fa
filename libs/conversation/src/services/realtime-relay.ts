import { type DomainEventPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { RealtimeService } from './realtime.service';

/** Domain events staff screens follow; everything else stays in the back office. */
export const LIVE_EVENTS = [
  'message.created',
  'message.status',
  'message.updated',
  'conversation.created',
  'conversation.updated',
  'conversation.escalated',
  'approval.created',
  'approval.decided',
  'task.created',
  'task.updated',
  'task.assigned',
  'task.started',
  'task.completed',
  'task.cancelled',
  'task.reopened',
] as const;

/** Forwards committed domain events (ids only) to the property's live stream, via Redis. */
@Injectable()
export class RealtimeRelay {
  constructor(private readonly realtime: RealtimeService) {}

  async forward(event: DomainEventPayload): Promise<void> {
    await this.realtime.publish(`property:${event.propertyId}`, {
      type: event.type,
      data: { ...event.data, eventId: event.eventId, occurredAt: event.occurredAt },
    });
  }
}
