import { type ChannelType } from './channel-kinds';

/** Longest text one message may carry, per channel (Twilio concatenates SMS up to 1,600). */
export const MAX_LENGTH: Partial<Record<ChannelType, number>> = { sms: 1600, whatsapp: 4096 };
/** WhatsApp allows free-form business messages within 24 hours of the guest's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
export const OPT_IN_WORDS = ['START', 'UNSTOP'];

export type Keyword = 'opt_out' | 'opt_in' | 'help';

/** The intent marking the confirmation of an SMS keyword: the one message an opted-out number gets. */
export const KEYWORD_REPLY = 'sms_keyword_reply';

/**
 * Why a message may not go out on its channel now (checked again at send time), or null:
 * the guest opted out of SMS, the WhatsApp window closed for free text, a template off WhatsApp,
 * a text longer than the channel takes.
 */
export function sendRefusal(
  type: ChannelType,
  conversation: { last_inbound_at: Date | null },
  message: { content: string; template: unknown },
  optedOut: boolean,
): string | null {
  if (optedOut) return 'recipient_opted_out: the guest replied STOP to this number';
  if (message.template && type !== 'whatsapp')
    return 'template_not_supported: templates are a WhatsApp feature';
  if (
    type === 'whatsapp' &&
    !message.template &&
    (!conversation.last_inbound_at ||
      Date.now() - new Date(conversation.last_inbound_at).getTime() > WHATSAPP_WINDOW_MS)
  )
    return 'whatsapp_window_closed: no guest message in the last 24 hours; use a template';
  const max = MAX_LENGTH[type];
  if (max && message.content.length > max && !message.template)
    return `too_long: ${message.content.length} characters, the channel takes ${max}`;
  return null;
}

/** The SMS keyword a message is, if it is only that word (any case, surrounding spaces and dots). */
export function smsKeyword(content: string): Keyword | null {
  const word = content
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  if (OPT_OUT_WORDS.includes(word)) return 'opt_out';
  if (OPT_IN_WORDS.includes(word)) return 'opt_in';
  return word === 'HELP' || word === 'INFO' ? 'help' : null;
}

/**
 * Splits text longer than `max` at sentence ends (else at spaces, else hard) into parts of at
 * most `max` characters; never drops a character.
 */
export function splitMessage(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '));
    let cut =
      sentence > max / 2 ? sentence + 1 : window.lastIndexOf(' ') > max / 2 ? window.lastIndexOf(' ') : max;
    // Never between the two halves of an emoji or other astral character.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '') && /[\uDC00-\uDFFF]/.test(rest[cut] ?? '')) cut--;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
