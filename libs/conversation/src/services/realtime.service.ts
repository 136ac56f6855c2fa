import { RedisService } from '@app/platform';
import { Injectable, Logger, type MessageEvent, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { Observable } from 'rxjs';

export type RealtimeTopic = `property:${string}` | `webchat:${string}`;

export interface RealtimeEvent {
  type: string;
  data: Record<string, unknown>;
}

const HEARTBEAT_MS = 25_000;

/**
 * Live events for staff screens and web chat widgets, across every api replica: events are
 * published on Redis pub/sub and each replica streams them to the connections it holds (one
 * Redis subscriber per process, fanned out in memory).
 */
@Injectable()
export class RealtimeService implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(event: RealtimeEvent) => void>>();

  constructor(private readonly redis: RedisService) {}

  async publish(topic: RealtimeTopic, event: RealtimeEvent): Promise<void> {
    await this.redis.client.publish(this.channel(topic), JSON.stringify(event));
  }

  /** Server-sent events of a topic, with a heartbeat comment so proxies keep the stream open. */
  stream(topic: RealtimeTopic): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const channel = this.channel(topic);
      const listener = (event: RealtimeEvent) => subscriber.next({ type: event.type, data: event.data });
      const set = this.listeners.get(channel) ?? new Set();
      set.add(listener);
      this.listeners.set(channel, set);
      // `ready` only once Redis confirmed the subscription: nothing published after it is missed.
      this.subscribe(channel).then(
        () => subscriber.next({ type: 'ready', data: { topic: topic.split(':')[0] } }),
        (err: Error) => subscriber.error(err),
      );
      const heartbeat = setInterval(() => subscriber.next({ type: 'ping', data: {} }), HEARTBEAT_MS);
      return () => {
        clearInterval(heartbeat);
        set.delete(listener);
        if (set.size === 0) {
          this.listeners.delete(channel);
          void this.subscriber?.unsubscribe(channel).catch(() => undefined);
        }
      };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private async subscribe(channel: string): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.redis.create('butler-realtime');
      this.subscriber.on('message', (ch: string, raw: string) => {
        try {
          const event = JSON.parse(raw) as RealtimeEvent;
          for (const listener of this.listeners.get(ch) ?? []) listener(event);
        } catch (err) {
          this.logger.warn(`unreadable realtime event on ${ch}: ${(err as Error).message}`);
        }
      });
    }
    await this.subscriber.subscribe(channel);
  }

  private channel(topic: RealtimeTopic): string {
    return this.redis.key('rt', topic);
  }
}
