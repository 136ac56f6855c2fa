import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
/** Who is calling, for the provider's logs and support (a caller's own user-agent wins). */
export const PROVIDER_USER_AGENT = 'butler-platform';

/** A provider API request: what the senders need of HTTP, no more. */
export interface ProviderRequest {
  method?: 'GET' | 'POST';
  /** Lower-case names. */
  headers?: Record<string, string>;
  /** A form (sent as application/x-www-form-urlencoded unless a content-type says otherwise) or text. */
  body?: string | URLSearchParams;
  /** For the whole exchange; 15 s unless said. */
  timeoutMs?: number;
}

interface ProviderAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
}

/**
 * One call to a provider's API with a timeout: the parsed JSON answer, or a ProviderError for a
 * network error (retryable), a non-2xx answer (`describe` turns its body into the reason), or a
 * 2xx answer that is not JSON (not retried: the provider may have accepted the message).
 */
export async function providerCall(
  url: string,
  request: ProviderRequest,
  describe: (body: string) => string = (body) => body.slice(0, 200),
): Promise<{ status: number; body: unknown }> {
  let answer: ProviderAnswer;
  try {
    answer = await exchange(new URL(url), request);
  } catch (err) {
    const status = (err as { status?: number }).status;
    // The answer started but never finished: a 2xx means the provider may have taken the message.
    if (status !== undefined)
      throw new ProviderError(
        `HTTP ${status}, then the answer broke off: ${(err as Error).message}`,
        status === 429 || status >= 500,
        status,
      );
    throw ProviderError.network(err);
  }
  const { status, text } = answer;
  if (status < 200 || status > 299)
    throw ProviderError.fromResponse(status, describe(text), answer.retryAfter);
  try {
    return { status, body: text ? (JSON.parse(text) as unknown) : null };
  } catch {
    throw new ProviderError(`HTTP ${status} with an unreadable answer`, false, status);
  }
}

/** A read that only has to succeed (credential checks). */
export async function providerGet(url: string, authorization: string): Promise<void> {
  await providerCall(url, { headers: { authorization } });
}

/**
 * The request over node:http(s) and its keep-alive global agents (Node's defaults: idle sockets
 * kept 5 s, most recent first): a send costs a fraction of what fetch's web streams cost, and
 * the worker makes one per guest message. The timeout covers the whole exchange, body included.
 * Redirects are not followed (no provider API answers with one).
 */
function exchange(url: URL, request: ProviderRequest): Promise<ProviderAnswer> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  const headers: Record<string, string> = { 'user-agent': PROVIDER_USER_AGENT, ...request.headers };
  let body: string | undefined;
  if (request.body instanceof URLSearchParams) {
    body = request.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else body = request.body;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<ProviderAnswer>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let status: number | undefined;
    const req = send(url, { method: request.method ?? 'GET', headers }, (res) => {
      status = res.statusCode;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the answer ended'));
      });
      res.on('end', () => {
        clearTimeout(timer);
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    const timeoutMs = request.timeoutMs ?? TIMEOUT_MS;
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    /** Fails the call; once the answer has begun, with its status (`status` on the error). */
    function fail(err: Error) {
      clearTimeout(timer);
      reject(status === undefined ? err : Object.assign(err, { status }));
    }
    req.on('error', fail);
    req.end(body);
  });
}
