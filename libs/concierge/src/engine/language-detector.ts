import { detectAll } from 'tinyld';

import { normalize } from './builtin/text';

export type LanguageSource = 'detected' | 'conversation' | 'guest' | 'property';

export interface DetectedLanguage {
  language: string;
  source: LanguageSource;
  /** The detector's confidence in [0, 1]; 0 when a fallback decided. */
  confidence: number;
}

export interface LanguageFallbacks {
  /** The language earlier messages of the conversation were detected in. */
  conversation: string | null;
  /** The guest profile's language, when it was set by someone (not the column default). */
  guest: string | null;
  property: string;
}

/**
 * Function words and greetings that tell the six languages of the builtin engine apart in the
 * short messages n-gram detection cannot place ("dos toallas mas por favor", "danke").
 */
const MARKERS: Record<string, string[]> = {
  en: 'the and is are my me please pls can could would you we our to of in have need what where when how thanks thank hi hello there it this not doesn isn any some get more with for room is'.split(
    ' ',
  ),
  es: 'el la los las del que por favor mi una es esta estan hay necesito puede pueden podrian gracias hola donde cuando como habitacion no funciona con para mas tengo quiero buenos buenas dias noches tardes muchas nos usted toallas'.split(
    ' ',
  ),
  fr: 'le les des du est une je nous vous pas ne merci bonjour bonsoir svp plait chambre pour avec et il y peut pouvez ou quand comment quelle quel c j l d n qu serait voudrais'.split(
    ' ',
  ),
  de: 'der die das und ist ich wir sie nicht bitte danke hallo zimmer mit fur ein eine einen kann konnen konnten wo wann wie gibt es geht auf noch mehr guten morgen tag abend vielen dank uns'.split(
    ' ',
  ),
  it: 'il lo gli della del che per non sono e un una grazie ciao buongiorno buonasera camera stanza mi posso potete potreste dove quando come ho abbiamo vorrei favore ancora altri altre nella funziona'.split(
    ' ',
  ),
  pt: 'o os a as do da dos das que nao obrigado obrigada ola bom dia boa noite tarde quarto por favor um uma para com esta tem pode podem onde quando como preciso mais voces vcs eu funciona'.split(
    ' ',
  ),
};
const MARKER_SETS = Object.fromEntries(Object.entries(MARKERS).map(([k, v]) => [k, new Set(v)]));

/** An n-gram guess this sure, on text this long, stands on its own. */
const SURE = 0.5;
const MIN_WORDS_SURE = 3;

/**
 * The language a guest wrote in: n-gram detection (tinyld) when it is sure on enough text, else
 * the detector's ranking among the builtin languages and the property's weighed together with
 * function words, else the conversation's language, the guest's, the property's.
 */
export function detectLanguage(
  text: string,
  fallbacks: LanguageFallbacks,
  supported: readonly string[] = [],
): DetectedLanguage {
  const words = normalize(text).trim().split(' ').filter(Boolean);
  const letters = words.filter((w) => /\p{L}/u.test(w));
  if (letters.length === 0) return fallback(fallbacks);
  const open = detectAll(text);
  if (open[0] && open[0].accuracy >= SURE && letters.length >= MIN_WORDS_SURE)
    return { language: open[0].lang, source: 'detected', confidence: round(open[0].accuracy) };

  const candidates = [...new Set([...Object.keys(MARKERS), ...supported, fallbacks.property])];
  const ranked = new Map(detectAll(text, { only: candidates }).map((d) => [d.lang, d.accuracy]));
  const scores = candidates.map((lang) => {
    const markers = MARKER_SETS[lang];
    const hits = markers ? letters.filter((w) => markers.has(w)).length : 0;
    return { lang, score: hits / letters.length + (ranked.get(lang) ?? 0) };
  });
  scores.sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  // A tie says nothing; the conversation's or the property's language is the better guess.
  if (best && best.score >= 0.34 && best.score - (second?.score ?? 0) >= 0.1)
    return { language: best.lang, source: 'detected', confidence: round(Math.min(1, best.score)) };
  return fallback(fallbacks);
}

function fallback(f: LanguageFallbacks): DetectedLanguage {
  if (f.conversation) return { language: f.conversation, source: 'conversation', confidence: 0 };
  if (f.guest) return { language: f.guest, source: 'guest', confidence: 0 };
  return { language: f.property, source: 'property', confidence: 0 };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
