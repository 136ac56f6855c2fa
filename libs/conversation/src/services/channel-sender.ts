import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type MessageTemplate } from '../repositories/messages.repository';
import { ProviderError } from './provider-error';

/** One outbound message for a provider: the account, its opened credentials, where and what. */
export interface OutboundSend {
  account: ChannelAccountRow;
  credentials: Record<string, string>;
  /** The guest's address on the channel (E.164 number, email address, …). */
  to: string;
  body: string;
  /** WhatsApp: the registered template to send instead of free text (`body` is its rendering). */
  template?: MessageTemplate;
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

const TIMEOUT_MS = 15_000;

/**
 * One call to a provider's API with a timeout: the parsed JSON answer, or a ProviderError for a
 * network error (retryable), a non-2xx answer (`describe` turns its body into the reason), or a
 * 2xx answer that is not JSON (not retried: the provider may have accepted the message).
 */
export async function providerCall(
  url: string,
  init: RequestInit,
  describe: (body: string) => string = (body) => body.slice(0, 200),
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw ProviderError.network(err);
  }
  const text = await res.text();
  if (!res.ok) throw ProviderError.fromResponse(res.status, describe(text), res.headers.get('retry-after'));
  try {
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  } catch {
    throw new ProviderError(`HTTP ${res.status} with an unreadable answer`, false, res.status);
  }
}

/** A read that only has to succeed (credential checks). */
export async function providerGet(url: string, authorization: string): Promise<void> {
  await providerCall(url, { headers: { authorization } });
}
