import { type CountryCode, findPhoneNumbersInText } from 'libphonenumber-js';

export type RedactionKind = 'card' | 'email' | 'phone' | 'id_document' | 'iban';

export interface Redacted {
  text: string;
  /** What was removed, by kind (never the values). */
  redactions: { kind: RedactionKind; count: number }[];
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** 13–19 digits, optionally grouped by spaces or dashes: a card number when the Luhn check passes. */
const CARD = /(?<![\p{N}])(?:\d[ -]?){12,18}\d(?![\p{N}])/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
/**
 * An identity document's number: after the document's name in the six languages (passport, ID
 * card, national id, driving licence, DNI/NIE, CPF…), a token of 5–20 letters and digits with at
 * least one digit; and the Spanish DNI/NIE shapes anywhere.
 */
const DOCUMENT_WORDS =
  'passport|passport no|passport number|id card|identity card|id number|national id|driver.?s? licen[cs]e|driving licen[cs]e|' +
  'pasaporte|dni|nie|documento(?: de identidad)?|c[ée]dula|passeport|carte d.identit[ée]|pi[eè]ce d.identit[ée]|' +
  'reisepass|pass(?:nummer)?|personalausweis|ausweis(?:nummer)?|passaporto|carta d.identit[àa]|patente|codice fiscale|' +
  'passaporte|cart[ãa]o de cidad[ãa]o|bilhete de identidade|cpf|rg|nif|ssn|social security';
const DOCUMENT = new RegExp(
  `\\b(${DOCUMENT_WORDS})\\b((?:\\s*(?:no|n[º°o]|num(?:ber|ero|éro)?|nr|#|:|is|es|est|ist|è|é|de|do|da)\\.?)*\\s*)` +
    '((?=[A-Z0-9.-]*\\d)[A-Z0-9][A-Z0-9.-]{3,22}[A-Z0-9])',
  'giu',
);
const SPANISH_ID = /\b(?:\d{8}[A-Z]|[XYZ]\d{7}[A-Z])\b/g;

/** Luhn checksum of the digits of `s`. */
export function luhnValid(s: string): boolean {
  const digits = s.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Removes what must never leave for an external model: card numbers (Luhn-checked), IBANs,
 * identity-document numbers, email addresses and phone numbers, each replaced by a marker
 * (`[card]`, `[email]`… or what `marker` makes of the kind and the value removed). `country` is
 * the property's, for phone numbers written nationally.
 */
export function redact(
  text: string,
  country?: string,
  marker: (kind: RedactionKind, value: string) => string = (kind) => `[${kind}]`,
): Redacted {
  const counts = new Map<RedactionKind, number>();
  const mark = (kind: RedactionKind, value: string) => {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return marker(kind, value);
  };
  let out = text.replace(EMAIL, (m) => mark('email', m));
  out = out.replace(CARD, (m) => (luhnValid(m) ? mark('card', m) : m));
  out = out.replace(IBAN, (m) => (/\d{6}/.test(m.replace(/ /g, '')) ? mark('iban', m) : m));
  out = out.replace(DOCUMENT, (whole, name: string, sep: string, value: string) =>
    /\d/.test(value) ? `${name}${sep}${mark('id_document', value)}` : whole,
  );
  out = out.replace(SPANISH_ID, (m) => mark('id_document', m));
  // Phone numbers last: what is left that a phone parser recognises as one.
  const phones = findPhoneNumbersInText(out, {
    defaultCountry: (country as CountryCode | undefined) ?? undefined,
    extended: false,
  });
  for (const p of [...phones].reverse()) {
    const value = out.slice(p.startsAt, p.endsAt);
    if (value.replace(/\D/g, '').length < 7) continue;
    out = `${out.slice(0, p.startsAt)}${mark('phone', value)}${out.slice(p.endsAt)}`;
  }
  // International numbers the parser left (no country to read them against).
  out = out.replace(/(?<![\p{N}\]])\+\d[\d ()-]{6,18}\d/gu, (m) => mark('phone', m));
  return { text: out, redactions: [...counts].map(([kind, count]) => ({ kind, count })) };
}
