import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';

/** One outbound message for a provider: the account, its opened credentials, where and what. */
export interface OutboundSend {
  account: ChannelAccountRow;
  credentials: Record<string, string>;
  /** The guest's address on the channel (E.164 number, email address, …). */
  to: string;
  body: string;
  /** Email threading: the provider message id of the message this one answers, if any. */
  inReplyTo?: string | null;
  /** Email: the subject of the guest's message this one answers. */
  subject?: string | null;
}

/** A provider adapter. Throws ProviderError (retryable or not) when the provider refuses. */
export interface ChannelSender {
  send(message: OutboundSend): Promise<{ providerMessageId: string }>;
}
