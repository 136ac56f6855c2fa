import { type IntentId, INTENTS } from '../intent-taxonomy';
import { CUES, type LanguageCues, type LexiconRule, LEXICONS } from './intent-lexicon';
import { PrefixMatcher, type Span } from './prefix-matcher';
import { normalize } from './text';

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface Classification {
  intent: IntentId;
  /** 0–1. ≥ 0.9 for a decisive phrase, ≥ 0.75 for one clear keyword, < 0.7 when two intents compete. */
  confidence: number;
  /** The next best intents (up to three, the winner excluded), best first. */
  alternatives: { intent: IntentId; confidence: number }[];
  sentiment: Sentiment;
  /** Ids of the rules that fired (`en:request.towels:0`) and of the cues used (`cue:question`). */
  matched: string[];
}

// ── Tuning ─────────────────────────────────────────────────────────────────────────────────

/** How much a language's lexicon counts: the message's language (given or spotted) in full. */
const PRIMARY_WEIGHT = 1;
/** English is always consulted: guests mix in "wifi", "check out", "room service"… */
const ENGLISH_WEIGHT = 0.9;
/** The other languages, for mixed messages and a wrongly detected language. */
const OTHER_WEIGHT = 0.75;
/** Further rules of the same intent add this share of their weight (the strongest counts in full). */
const EXTRA_RULE_SHARE = 0.5;
/** Below this score the best intent is not trusted at all: `unknown`. */
const MIN_SCORE = 0.5;
/** Runner-up score that does not count as competition (a stray weak hint). */
const COMPETITION_FLOOR = 0.5;
/** Question, request and broken-ness cues add this to the intents of the matching kind. */
const CUE_BONUS = 0.6;
/** What is left of a declined service's evidence ("we don't need the taxi any more" is still about it). */
const DECLINED_SHARE = 0.4;
/** A declining cue ("don't need…") reaches this many characters past its end. */
const DECLINE_REACH = 40;

/** Score → confidence before competition: 1 (weak hint) → 0.55, 2 (keyword) → 0.8, 3 (phrase) → 0.92. */
const STRENGTH: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.5, 0.3],
  [1, 0.55],
  [1.5, 0.7],
  [2, 0.8],
  [2.5, 0.87],
  [3, 0.92],
  [4, 0.95],
  [5, 0.97],
  [7, 0.98],
];

/**
 * When the first intent is clearly present (score ≥ 2), the others are explained away: "I want a
 * refund, the room was filthy" is a refund, "the wifi doesn't work" is not a generic repair.
 * Earlier entries are applied first; the restricted money chain is
 * billing.refund > billing.dispute > request.reservation_cancel > feedback.complaint.
 * A winner applies however strong the loser is, except the few of {@link COMPARABLE_ONLY}.
 */
const PRECEDENCE: readonly (readonly [IntentId, readonly IntentId[]])[] = [
  [
    'legal',
    [
      'billing.refund',
      'billing.dispute',
      'feedback.complaint',
      'request.security',
      'request.lost_and_found',
      'request.maintenance',
      'request.cleaning',
      'request.room_change',
    ],
  ],
  [
    'billing.refund',
    [
      'request.late_checkout',
      'request.early_checkin',
      'billing.dispute',
      'request.reservation_cancel',
      'feedback.complaint',
      'inquiry.billing',
      'request.receipt',
      'request.maintenance',
      'request.wifi_problem',
      'request.noise',
      'request.cleaning',
      'request.room_change',
      'request.room_service',
    ],
  ],
  [
    'billing.dispute',
    [
      'request.late_checkout',
      'request.early_checkin',
      'request.reservation_cancel',
      'feedback.complaint',
      'inquiry.billing',
      'request.receipt',
      'request.room_service',
      'inquiry.parking',
      'inquiry.reservation_status',
      'inquiry.dining',
      'request.maintenance',
    ],
  ],
  [
    'request.reservation_cancel',
    ['feedback.complaint', 'request.reservation_change', 'inquiry.reservation_status', 'inquiry.policies'],
  ],
  [
    'medical',
    [
      'inquiry.location',
      'inquiry.dining',
      'inquiry.amenities',
      'request.room_service',
      'request.amenities',
      'feedback.complaint',
    ],
  ],
  ['request.security', ['request.lost_and_found', 'request.maintenance']],
  ['request.room_change', ['feedback.complaint', 'request.maintenance', 'request.noise', 'request.cleaning']],
  ['request.wifi_problem', ['request.maintenance', 'inquiry.wifi']],
  [
    'request.special_occasion',
    ['request.room_service', 'request.concierge', 'request.amenities', 'inquiry.dining'],
  ],
  ['request.late_checkout', ['inquiry.check_in_out', 'request.reservation_change', 'inquiry.transport']],
  ['request.early_checkin', ['inquiry.check_in_out', 'request.reservation_change']],
  ['request.do_not_disturb', ['request.cleaning', 'request.towels']],
  ['request.laundry', ['request.amenities']],
  ['request.lost_and_found', ['request.luggage']],
  ['request.noise', ['inquiry.pets', 'feedback.complaint', 'inquiry.policies']],
  ['request.room_service', ['inquiry.dining']],
  ['inquiry.accessibility', ['inquiry.pets']],
  ['request.amenities', ['inquiry.location']],
  ['request.towels', ['inquiry.location']],
  ['inquiry.reservation_status', ['inquiry.dining', 'inquiry.parking', 'inquiry.amenities']],
  ['inquiry.dining', ['inquiry.location', 'inquiry.amenities', 'inquiry.billing']],
  ['request.maintenance', ['request.noise']],
  ['inquiry.pets', ['inquiry.billing']],
  ['inquiry.amenities', ['inquiry.billing']],
  ['inquiry.policies', ['inquiry.billing']],
  ['inquiry.transport', ['inquiry.location', 'inquiry.billing']],
  ['inquiry.parking', ['inquiry.location', 'inquiry.billing', 'request.transport']],
];

/**
 * Winners whose evidence overlaps the losers' loosely ("another room", "to my room", "train"):
 * below a decisive score (3) they only explain away a loser of comparable strength.
 */
const COMPARABLE_ONLY = new Set<IntentId>([
  'request.room_change',
  'request.room_service',
  'inquiry.transport',
  'inquiry.parking',
  'inquiry.dining',
  'request.maintenance',
  'inquiry.reservation_status',
]);

/** A complaint this strong (an explicit "complaint", "very disappointed"…) outranks the task it is about. */
const EXPLICIT_COMPLAINT = 3;
const COMPLAINED_ABOUT: readonly IntentId[] = [
  'request.cleaning',
  'request.maintenance',
  'request.noise',
  'request.towels',
  'request.amenities',
  'request.wifi_problem',
  'request.room_service',
  'inquiry.dining',
];

/**
 * Grievances: something went wrong and staff must deal with it (a complaint, a disputed charge, a
 * refund demand, a theft or break-in, a legal threat). Each counts from the score of its
 * incident-level evidence ("scratched my car", "charged twice", "stolen", "nobody answers"), not
 * from its topic words ("security", "charge", "discount").
 */
const GRIEVANCE_FLOOR: readonly (readonly [IntentId, number])[] = [
  ['feedback.complaint', 2],
  ['billing.dispute', 2],
  ['billing.refund', 2],
  ['request.security', 2.5],
  ['legal', 3],
];
/** A security score this high is an incident (stolen, broken into), not a mention of security. */
const SECURITY_INCIDENT = 3;
/**
 * What a grievance is merely about: "the valet scratched my car in your garage" is not a parking
 * question, "room service took two hours and arrived cold" not a food order, "found a big
 * scratch on my car" not a found item, "two nights too many on the bill" not an extension. These
 * never win against a grievance, however strongly their topic words match (the AI would answer
 * them alone). Repairs, cleaning, noise, room moves and check-out times the guest asks for are not
 * here: they are what fixes the complaint, and they reach staff as tasks.
 */
const GRIEVANCE_TOPICS: readonly IntentId[] = [
  ...(Object.keys(INTENTS) as IntentId[]).filter((id) => INTENTS[id].category === 'inquiry'),
  'request.room_service',
  'request.transport',
  'request.concierge',
  'request.luggage',
  'request.lost_and_found',
  'request.reservation_change',
];

/** Services a guest can decline ("no need for towels"); a declined rule counts far less. */
const DECLINABLE = new Set<IntentId>([
  'request.towels',
  'request.cleaning',
  'request.amenities',
  'request.room_service',
  'request.laundry',
  'request.transport',
  'request.wake_up',
  'request.luggage',
  'request.concierge',
  'request.special_occasion',
  'request.receipt',
  'request.late_checkout',
  'request.early_checkin',
  'request.room_change',
]);
/** Declining these is skipping housekeeping: `request.do_not_disturb`. */
const HOUSEKEEPING = new Set<IntentId>(['request.towels', 'request.cleaning']);

const SOCIAL = new Set<IntentId>(['social.greeting', 'social.thanks', 'social.farewell']);
/** Not substantive enough to silence small talk ("Excellent, thanks!" is thanks). */
const LIGHT = new Set<IntentId>([...SOCIAL, 'feedback.compliment', 'unknown']);

const INQUIRIES = (Object.keys(INTENTS) as IntentId[]).filter((id) => INTENTS[id].category === 'inquiry');
const REQUESTS = (Object.keys(INTENTS) as IntentId[]).filter(
  (id) => INTENTS[id].category === 'request' && !INTENTS[id].restricted,
);

/** A service thanked for was given: "thanks for the towels" asks for none. */
const THANKABLE: ReadonlySet<IntentId> = new Set(REQUESTS);

/** "Help!", "¡Socorro!", "Hilfe!" opening a sentence and shouted: a call for help. */
const HELP_SHOUT =
  /(?:^|[.!?¡¿]\s*)(?:please\s+|por favor\s+|bitte\s+|s'il vous pla[iî]t\s+)?(?:help|ayuda|auxilio|socorro|hilfe|aiuto|ajuda|au secours|[àa] l'aide)(?:\s+(?:me|us|please|por favor|moi|mir|uns|mi|aqui|aquí))?\s*!/iu;

// ── Compiled tables (built once) ──────────────────────────────────────────────────────────

interface CompiledRule {
  /** Position in {@link RULES}. */
  index: number;
  id: string;
  intent: IntentId;
  weight: number;
}

interface CompiledCues {
  markers: ReadonlySet<string>;
  question: RegExp;
  information: RegExp;
  request: RegExp;
  broken: RegExp;
  declining: RegExp;
  thanking: RegExp;
  contrast: RegExp;
  negative: RegExp;
  positive: RegExp;
}

interface CompiledLanguage {
  code: string;
  rules: CompiledRule[];
  cues: CompiledCues;
}

/** One regular expression matching any of `patterns` (a never-matching one for none). */
const union = (patterns: readonly RegExp[], flags = ''): RegExp =>
  new RegExp(patterns.length ? patterns.map((pattern) => `(?:${pattern.source})`).join('|') : '(?!)', flags);

/** Every compiled rule of every language, indexed by {@link CompiledRule.index}. */
const RULES: CompiledRule[] = [];
/** The patterns of {@link RULES}, in the same order, for {@link MATCHER}. */
const RULE_PATTERNS: (readonly RegExp[])[] = [];

const compileRules = (code: string, rules: readonly LexiconRule[]): CompiledRule[] => {
  const perIntent = new Map<IntentId, number>();
  return rules.map((lexiconRule) => {
    const ordinal = perIntent.get(lexiconRule.intent) ?? 0;
    perIntent.set(lexiconRule.intent, ordinal + 1);
    const compiled: CompiledRule = {
      index: RULES.length,
      id: `${code}:${lexiconRule.intent}:${ordinal}`,
      intent: lexiconRule.intent,
      weight: lexiconRule.weight,
    };
    RULES.push(compiled);
    RULE_PATTERNS.push(lexiconRule.patterns);
    return compiled;
  });
};

const compileCues = (cues: LanguageCues): CompiledCues => ({
  markers: new Set(cues.markers),
  question: union(cues.question),
  information: union(cues.information),
  request: union(cues.request),
  broken: union(cues.broken),
  declining: union(cues.declining, 'g'),
  thanking: union(cues.thanking, 'g'),
  contrast: union(cues.contrast, 'g'),
  negative: union(cues.negative, 'g'),
  positive: union(cues.positive, 'g'),
});

const LANGUAGES: readonly CompiledLanguage[] = Object.keys(LEXICONS).map((code) => ({
  code,
  rules: compileRules(code, LEXICONS[code] ?? []),
  cues: compileCues(CUES[code] ?? CUES.en),
}));
const BY_CODE = new Map(LANGUAGES.map((language) => [language.code, language]));
/** Runs each rule's patterns only where their match prefixes occur (built after {@link LANGUAGES}). */
const MATCHER = new PrefixMatcher(RULE_PATTERNS);

// ── Helpers ────────────────────────────────────────────────────────────────────────────────

const round = (value: number): number => Math.round(value * 1000) / 1000;

const strengthOf = (score: number): number => {
  if (score <= 0) return 0;
  for (let i = 1; i < STRENGTH.length; i++) {
    const [x1, y1] = STRENGTH[i];
    if (score <= x1) {
      const [x0, y0] = STRENGTH[i - 1];
      return y0 + ((y1 - y0) * (score - x0)) / (x1 - x0);
    }
  }
  return STRENGTH[STRENGTH.length - 1][1];
};

const countMatches = (pattern: RegExp, text: string): number => {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text)) count++;
  return count;
};

const spans = (pattern: RegExp, text: string): Span[] => {
  const found: Span[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    found.push({ start: match.index, end: match.index + match[0].length });
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return found;
};

/** Language code from a tag ("pt-BR" → "pt"); unsupported languages read as English. */
const languageCode = (language: string): string => {
  const code = language.trim().toLowerCase().slice(0, 2);
  return BY_CODE.has(code) ? code : 'en';
};

/** The language whose marker words the text uses most, when it clearly beats the given one. */
const spottedLanguage = (normalized: string, given: string): string => {
  const tokens = normalized.trim().split(' ');
  let best = given;
  let bestCount = 0;
  let givenCount = 0;
  for (const language of LANGUAGES) {
    let count = 0;
    for (const token of tokens) if (language.cues.markers.has(token)) count++;
    if (language.code === given) givenCount = count;
    if (count > bestCount) {
      best = language.code;
      bestCount = count;
    }
  }
  return bestCount >= 2 && bestCount > givenCount ? best : given;
};

/**
 * Positions in the normalized text where a new clause starts (after . , ; ! ? or a line break),
 * so a declining cue does not reach into the next clause. Empty when they cannot be mapped.
 */
const clauseStarts = (text: string, normalized: string): number[] => {
  const parts = text.split(/[.,;!?¡¿\n]+/);
  if (parts.length < 2) return [];
  const starts: number[] = [];
  let joined = '';
  for (const part of parts) {
    const clause = normalize(part).trim();
    if (!clause) continue;
    if (joined) {
      joined += ' ';
      starts.push(joined.length + 1);
    }
    joined += clause;
  }
  return ` ${joined} ` === normalized ? starts : [];
};

const isShouting = (text: string): boolean => {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 8) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length >= 0.7;
};

const sentimentOf = (text: string, normalized: string): Sentiment => {
  let negative = 0;
  let positive = 0;
  for (const language of LANGUAGES) {
    negative += countMatches(language.cues.negative, normalized);
    positive += countMatches(language.cues.positive, normalized);
  }
  if (isShouting(text)) negative += 1;
  if (/!{2,}/.test(text)) negative += 0.5;
  if (negative >= 0.5 && negative >= positive) return 'negative';
  if (positive >= 1) return 'positive';
  return 'neutral';
};

// ── Classifier ────────────────────────────────────────────────────────────────────────────

type Scores = Map<IntentId, number>;

const get = (scores: Scores, intent: IntentId): number => scores.get(intent) ?? 0;

/** Multiplies `intent`'s score when it has one. */
const scale = (scores: Scores, intent: IntentId, factor: number): void => {
  const score = scores.get(intent);
  if (score !== undefined) scores.set(intent, score * factor);
};

/** Adds `bonus` to `intent` when it already has evidence (cues never create an intent). */
const boost = (scores: Scores, intent: IntentId, bonus: number): void => {
  const score = scores.get(intent);
  if (score !== undefined && score > 0) scores.set(intent, score + bonus);
};

/** Caps every intent but `keep` at `ceiling`. */
const capOthers = (scores: Scores, keep: readonly IntentId[], ceiling: number): void => {
  for (const [intent, score] of scores)
    if (!keep.includes(intent)) scores.set(intent, Math.min(score, ceiling));
};

interface Cues {
  question: boolean;
  request: boolean;
  broken: boolean;
  /** Where each declining cue ("don't need") is, and where clauses or contrasts ("but") start. */
  declines: Span[];
  /** Where each thanking cue ("thanks for") is: the service after it was given, not asked for. */
  thanks: Span[];
  boundaries: number[];
}

/**
 * Question and request cues of the message's languages (and English); broken-ness and declining
 * cues of every language (they are distinctive enough to use across languages).
 */
const readCues = (text: string, normalized: string, languages: ReadonlySet<string>): Cues => {
  let question = /[?¿]/.test(text);
  let request = false;
  let informational = false;
  let broken = false;
  const declines: Span[] = [];
  const thanks: Span[] = [];
  const boundaries = clauseStarts(text, normalized);
  for (const { code, cues } of LANGUAGES) {
    if (languages.has(code)) {
      question ||= cues.question.test(normalized);
      informational ||= cues.information.test(normalized);
      request ||= cues.request.test(normalized);
      for (const { start } of spans(cues.contrast, normalized)) boundaries.push(start);
    }
    broken ||= cues.broken.test(normalized);
    declines.push(...spans(cues.declining, normalized));
    thanks.push(...spans(cues.thanking, normalized));
  }
  // "Can you tell me…" asks to be told: a question, not a request.
  return {
    question: question || informational,
    request: request && !informational,
    broken,
    declines,
    thanks,
    boundaries,
  };
};

/** Whether a match is in the reach of one of `cuesAt`, in the same clause: "no need for [towels]". */
const inReach = (cuesAt: readonly Span[], boundaries: readonly number[], match: Span): boolean =>
  cuesAt.some(
    (cue) =>
      cue.start < match.end &&
      match.end - cue.end <= DECLINE_REACH &&
      !boundaries.some((boundary) => boundary >= cue.end && boundary <= match.start),
  );

/**
 * Lexicon scores: per language, the strongest rule of an intent plus a share of the others, times
 * the language's weight; an intent takes its best language; counter-evidence is subtracted.
 */
const scoreRules = (
  normalized: string,
  weightOf: (code: string) => number,
  cues: Cues,
  matched: string[],
): { scores: Scores; declinedHousekeeping: boolean; thanked: ReadonlySet<IntentId> } => {
  const positive = new Map<IntentId, number>();
  /** Intents with a thanked match, and those with a match not thanked. */
  const thankedFor = new Set<IntentId>();
  const askedFor = new Set<IntentId>();
  const negative = new Map<IntentId, number>();
  let declinedHousekeeping = false;
  const ruleMatches = MATCHER.match(normalized);
  for (const lang of LANGUAGES) {
    const weight = weightOf(lang.code);
    const found = new Map<IntentId, number[]>();
    const against = new Map<IntentId, number>();
    for (const compiled of lang.rules) {
      const match = ruleMatches[compiled.index];
      if (!match) continue;
      if (compiled.weight < 0) {
        against.set(compiled.intent, (against.get(compiled.intent) ?? 0) + compiled.weight);
        matched.push(compiled.id);
        continue;
      }
      let ruleWeight = compiled.weight;
      if (DECLINABLE.has(compiled.intent) && inReach(cues.declines, cues.boundaries, match)) {
        declinedHousekeeping ||= HOUSEKEEPING.has(compiled.intent);
        ruleWeight *= DECLINED_SHARE;
        matched.push(`${compiled.id}:declined`);
      } else if (THANKABLE.has(compiled.intent) && inReach(cues.thanks, cues.boundaries, match)) {
        ruleWeight *= DECLINED_SHARE;
        thankedFor.add(compiled.intent);
        matched.push(`${compiled.id}:thanked`);
      } else {
        askedFor.add(compiled.intent);
        matched.push(compiled.id);
      }
      const weights = found.get(compiled.intent);
      if (weights) weights.push(ruleWeight);
      else found.set(compiled.intent, [ruleWeight]);
    }
    for (const [intent, weights] of found) {
      const strongest = Math.max(...weights);
      const total = weights.reduce((sum, value) => sum + value, 0);
      const score = (strongest + EXTRA_RULE_SHARE * (total - strongest)) * weight;
      positive.set(intent, Math.max(positive.get(intent) ?? 0, score));
    }
    for (const [intent, value] of against) {
      negative.set(intent, Math.min(negative.get(intent) ?? 0, value * weight));
    }
  }
  const scores: Scores = new Map();
  for (const [intent, score] of positive) {
    const adjusted = score + (negative.get(intent) ?? 0);
    if (adjusted > 0) scores.set(intent, adjusted);
  }
  const thanked = new Set([...thankedFor].filter((intent) => !askedFor.has(intent)));
  return { scores, declinedHousekeeping, thanked };
};

/** Question cues favour inquiries, request cues requests, broken-ness the repair intents. */
const applyCues = (scores: Scores, cues: Cues, matched: string[]): void => {
  if (cues.question) matched.push('cue:question');
  if (cues.request) matched.push('cue:request');
  if (cues.broken) matched.push('cue:broken');
  if (cues.question && !cues.request) for (const intent of INQUIRIES) boost(scores, intent, CUE_BONUS);
  if (cues.request) for (const intent of REQUESTS) boost(scores, intent, CUE_BONUS);
  if (cues.broken && (get(scores, 'request.maintenance') > 0 || get(scores, 'request.wifi_problem') > 0)) {
    boost(scores, 'request.maintenance', 1);
    boost(scores, 'request.wifi_problem', 1);
    // "The wifi doesn't work" is not "how do I connect to the wifi".
    for (const intent of INQUIRIES) scale(scores, intent, 0.6);
  }
};

/** The intents that overlap: specific over generic, sensitive over routine, substance over small talk. */
const resolve = (scores: Scores, thanked: ReadonlySet<IntentId>): void => {
  for (const [winner, losers] of PRECEDENCE) {
    const winnerScore = get(scores, winner);
    if (winnerScore < 2) continue;
    const ceiling = COMPARABLE_ONLY.has(winner) && winnerScore < 3 ? winnerScore * 1.25 : Infinity;
    for (const loser of losers) {
      const loserScore = scores.get(loser);
      if (loserScore === undefined || loserScore > ceiling) continue;
      scores.set(loser, Math.min(loserScore * 0.5, winnerScore * 0.6));
    }
  }

  // An explicit complaint ("I want to complain about the cleaning") is about the service, not a task.
  const complaint = get(scores, 'feedback.complaint');
  if (complaint >= EXPLICIT_COMPLAINT) {
    for (const intent of COMPLAINED_ABOUT) {
      const score = scores.get(intent);
      if (score !== undefined) scores.set(intent, Math.min(score, complaint * 0.6));
    }
  }

  // A grievance outranks the topic it is about: "someone broke into my car in your garage".
  let grievance = 0;
  for (const [intent, floor] of GRIEVANCE_FLOOR) {
    const score = get(scores, intent);
    if (score >= floor) grievance = Math.max(grievance, score);
  }
  if (grievance > 0) {
    for (const intent of GRIEVANCE_TOPICS) {
      const score = scores.get(intent);
      if (score !== undefined) scores.set(intent, Math.min(score, grievance * 0.5));
    }
  }
  // A theft or break-in is handled as one, not as a complaint about it ("hit my car and drove off").
  const incident = get(scores, 'request.security');
  if (incident >= SECURITY_INCIDENT && get(scores, 'feedback.complaint') <= incident) {
    scale(scores, 'feedback.complaint', 0.6);
  }

  // Praise outranks small talk; mixed praise and complaint is a complaint.
  if (get(scores, 'feedback.compliment') >= 2) for (const intent of SOCIAL) scale(scores, intent, 0.5);
  if (complaint >= 2) scale(scores, 'feedback.compliment', 0.6);
  // Within small talk the closing words win: "Hi, thanks!" is thanks, "Thanks, bye!" farewell.
  const farewell = get(scores, 'social.farewell');
  if (farewell >= 1.5 && scores.has('social.thanks')) {
    scores.set('social.thanks', Math.min(get(scores, 'social.thanks') * 0.5, farewell * 0.6));
  }
  if (get(scores, 'social.thanks') >= 1 || farewell >= 1) scale(scores, 'social.greeting', 0.5);
  // Small talk only wins when nothing substantive matched: "Hi, 2 towels please" (a service
  // thanked for is not substantive: "thanks for the towels").
  let substantive = 0;
  for (const [intent, score] of scores)
    if (!LIGHT.has(intent) && !thanked.has(intent)) substantive = Math.max(substantive, score);
  if (substantive >= 1) {
    const factor = substantive >= 1.5 ? 0.25 : 0.6;
    for (const intent of SOCIAL) scale(scores, intent, factor);
  }

  // An explicit ask for a person wins over the topic; an emergency over everything.
  const human = get(scores, 'human_request');
  if (human >= 2) capOthers(scores, ['human_request', 'emergency'], human * 0.5);
  const emergency = get(scores, 'emergency');
  if (emergency >= 2) capOthers(scores, ['emergency'], emergency * 0.4);
};

/**
 * Classifies a guest message into one intent of the taxonomy, offline and deterministically.
 *
 * Every supported language's lexicon is consulted (guests mix languages and detection on short
 * texts is unreliable): the message's language in full, English at 0.9, the others at 0.75; an
 * intent takes its best language. Then disambiguation: cues of questions, requests and broken
 * things tilt inquiry/request pairs, declined services count far less, more specific or more
 * sensitive intents explain away the ones they overlap with, a complaint, disputed charge or
 * incident outranks the topic it mentions (the car park, room service), small talk yields to anything
 * substantive, an explicit ask for a person wins, and an emergency dominates everything.
 */
export function classifyIntent(text: string, language: string): Classification {
  const normalized = normalize(text);
  const given = languageCode(language);
  const spotted = spottedLanguage(normalized, given);
  const weightOf = (code: string): number =>
    code === given || code === spotted ? PRIMARY_WEIGHT : code === 'en' ? ENGLISH_WEIGHT : OTHER_WEIGHT;
  const matched: string[] = [];

  const cues = readCues(text, normalized, new Set([given, spotted, 'en']));
  const { scores, declinedHousekeeping, thanked } = scoreRules(normalized, weightOf, cues, matched);
  // "No need for towels today", "don't clean the room": skipping housekeeping.
  if (declinedHousekeeping) {
    scores.set('request.do_not_disturb', get(scores, 'request.do_not_disturb') + 2);
    matched.push('cue:declined-housekeeping');
  }
  // "Help!" shouted at the start of a sentence.
  if (HELP_SHOUT.test(text)) {
    scores.set('emergency', get(scores, 'emergency') + 2);
    matched.push('cue:help');
  }
  applyCues(scores, cues, matched);
  resolve(scores, thanked);

  const ranked = [...scores]
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const sentiment = sentimentOf(text, normalized);

  if (ranked.length === 0 || ranked[0][1] < MIN_SCORE) {
    return {
      intent: 'unknown',
      confidence: ranked.length === 0 ? 0.1 : 0.2,
      alternatives: ranked.slice(0, 3).map(([intent, score]) => ({
        intent,
        confidence: round(Math.min(0.2, strengthOf(score))),
      })),
      sentiment,
      matched,
    };
  }

  const [[intent, best], ...rest] = ranked;
  // Competition: a runner-up close to the winner halves the confidence; a stray weak hint (up to
  // COMPETITION_FLOOR) does not count.
  const runnerUp = rest.length ? rest[0][1] : 0;
  const ratio = Math.max(0, runnerUp - COMPETITION_FLOOR) / best;
  const confidence = round(strengthOf(best) * (1 - 0.5 * ratio * ratio));
  return {
    intent,
    confidence,
    alternatives: rest.slice(0, 3).map(([alternative, score]) => ({
      intent: alternative,
      confidence: round(Math.min(confidence, strengthOf(score) * (score / best) * 0.75)),
    })),
    sentiment,
    matched,
  };
}
