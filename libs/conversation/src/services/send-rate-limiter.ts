import { AppConfig, RedisService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelKind } from './channel-kinds';

/**
 * Hands out send slots of an account, whole milliseconds `ceil(1000 / limit)` apart, on Redis's clock: a send whose
 * slot has come goes now; otherwise its slot is kept for it (by message) and it is told how long
 * to wait. Slots are taken in the order sends ask, so each waits once, in turn.
 * KEYS: the account's next free slot, this message's kept slot. ARGV: spacing in ms.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local kept = redis.call('GET', KEYS[2])
if kept then
  local slot = tonumber(kept)
  if slot <= now then
    redis.call('DEL', KEYS[2])
    return 0
  end
  return slot - now
end
local spacing = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], string.format('%.0f', slot + spacing), 'PX', slot + spacing - now + 60000)
if slot <= now then return 0 end
redis.call('SET', KEYS[2], string.format('%.0f', slot), 'PX', slot - now + 600000)
return slot - now
`;

/**
 * Sends per second per channel account, shared by every worker through Redis. A send over the
 * limit is told how long to wait for its own slot; the job waits in the delayed set, not in a
 * worker slot, and wakes when its turn has come.
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

  /** 0 when the message may be sent now, else milliseconds until its slot. */
  async reserve(kind: ChannelKind, accountId: string, messageId: string): Promise<number> {
    const perSecond = this.limit(kind);
    if (perSecond === null) return 0;
    const wait = await this.redis.client.eval(
      RESERVE,
      2,
      this.redis.key('send-slot', accountId),
      this.redis.key('send-slot', accountId, messageId),
      String(Math.ceil(1000 / perSecond)),
    );
    return Number(wait);
  }
}
