import { AppConfig, RedisService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelKind } from './channel-kinds';

@Injectable()
export class SendRateLimiter {
  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  limit(kind: ChannelKind): number | null {
    if (kind === 'twilio_sms' || kind === 'twilio_whatsapp') return this.config.TWILIO_SEND_RATE_PER_SECOND;
    if (kind === 'whatsapp_cloud') return this.config.WHATSAPP_SEND_RATE_PER_SECOND;
    return null;
  }

  /** 0 when the send may go now (and counts against this second), else milliseconds to wait. */
  async tryAcquire(kind: ChannelKind, accountId: string): Promise<number> {
    const perSecond = this.limit(kind);
    if (perSecond === null) return 0;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const key = this.redis.key('send-rate', accountId, String(second));
    const result = await this.redis.client.multi().incr(key).expire(key, 5).exec();
    if (Number(result?.[0]?.[1] ?? 0) <= perSecond) return 0;
    // Spread the waiting sends over the next second rather than waking them all at its start.
    return (second + 1) * 1000 - now + Math.floor(Math.random() * 200) + 5;
  }
}
