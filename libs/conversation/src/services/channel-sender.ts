import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { ProviderError } from './provider-error';

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
  /** Asks the provider whether the credentials work (a read, nothing is sent). */
  check(account: ChannelAccountRow, credentials: Record<string, string>): Promise<void>;
}

/** GET with a timeout; a non-2xx answer or a network error becomes a ProviderError. */
export async function providerGet(url: string, authorization: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw ProviderError.network(err);
  }
  const text = await res.text();
  if (!res.ok)
    throw ProviderError.fromResponse(res.status, text.slice(0, 200), res.headers.get('retry-after'));
}
