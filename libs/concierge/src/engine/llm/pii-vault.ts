import { redact, type RedactionKind } from '../redaction';

const NATIONAL_NUMBER = /(?<![\p{L}\p{N}_\]])\(?\d[\d ().-]{5,20}\d(?![\p{L}\p{N}_])/gu;
/** 2026-11-22, 22.11.2026, 22/11/2026, 22-11-26: dates, not phone numbers. */
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/**
 * Redacts everything sent to an external model with numbered markers (`[phone_1]`, `[email_2]`…):
 * the same value always gets the same marker, so the model can still tell two numbers apart.
 * Values that came from the hotel's own data (knowledge, the guest's own reservation) may be put
 * back into the model's reply, so a guest can be given the front desk's number; what the guest
 * wrote is never put back, and card, IBAN and identity-document numbers never are.
 */
export class PiiVault {
  private readonly markers = new Map<string, string>();
  private readonly values = new Map<string, { value: string; restorable: boolean }>();
  private readonly counts = new Map<RedactionKind, number>();

  constructor(private readonly country?: string) {}

  /** `text` without personal data; `source` says whose data it is. */
  redact(text: string, source: 'guest' | 'hotel'): string {
    const mark = (kind: RedactionKind, value: string) => {
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      const key = `${kind}:${value.replace(/\s+/g, ' ').trim().toLowerCase()}`;
      let marker = this.markers.get(key);
      if (!marker) {
        marker = `[${kind}_${this.markers.size + 1}]`;
        this.markers.set(key, marker);
        this.values.set(marker, { value, restorable: false });
      }
      if (source === 'hotel' && (kind === 'phone' || kind === 'email'))
        this.values.get(marker)!.restorable = true;
      return marker;
    };
    // Then what is left that could be a phone number written nationally (no country to parse it
    // against): a run of 7 to 15 digits, possibly grouped, that is not a date.
    return redact(text, this.country, mark).text.replace(NATIONAL_NUMBER, (m) =>
      m.replace(/\D/g, '').length >= 7 && !DATE.test(m.trim()) ? mark('phone', m) : m,
    );
  }

  /**
   * The model's text with the hotel's own contact details put back (other markers stay redacted),
   * or with every value put back (`all`: for a translation of what its own author wrote).
   */
  restore(text: string, all = false): string {
    return text.replace(/\[(?:card|email|phone|id_document|iban)_\d+\]/g, (marker) => {
      const v = this.values.get(marker);
      return v && (all || v.restorable) ? v.value : marker;
    });
  }

  /** The markers a text holds, each once. */
  static markersOf(text: string): string[] {
    return [...new Set(text.match(/\[(?:card|email|phone|id_document|iban)_\d+\]/g) ?? [])].sort();
  }

  /** Whether a text still holds a marker that cannot be put back (it must not reach the guest as is). */
  hasUnrestorable(text: string): boolean {
    return /\[(?:card|email|phone|id_document|iban)_\d+\]/.test(text);
  }

  /** What was redacted, by kind (never the values): for the decision trace. */
  get redactions(): { kind: RedactionKind; count: number }[] {
    return [...this.counts].map(([kind, count]) => ({ kind, count }));
  }
}
