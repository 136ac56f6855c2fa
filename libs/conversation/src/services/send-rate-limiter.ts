import { AppConfig, RedisService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelKind } from './channel-kinds';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends per second per channel account, shared by every worker through Redis (a counter per
 * account and second). A send over the limit waits for the next second.
 */
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

  async acquire(kind: ChannelKind, accountId: string): Promise<void> {
    const perSecond = this.limit(kind);
    if (perSecond === null) return;
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const key = this.redis.key('send-rate', accountId, String(second));
      const result = await this.redis.client.multi().incr(key).expire(key, 5).exec();
      if (Number(result?.[0]?.[1] ?? 0) <= perSecond) return;
      await sleep((second + 1) * 1000 - Date.now() + 5);
    }
  }
}
