import * as stopword from 'stopword';

/**
 * How questions guests ask are grouped into knowledge gaps: by the words that carry their topic.
 *
 * A question's terms are its words folded (lower case, no accents), without the function words of
 * its language and of the six languages the builtin engine speaks (the `stopword` package's
 * lists), without what every question to a hotel is made of (SCAFFOLDING) and without numbers (a
 * room number or a time is a detail, not the topic). Scripts written without spaces (Chinese,
 * Japanese, Thai…) give overlapping character pairs instead. Two questions are similar by the Dice
 * coefficient of their terms, where a term also matches another form of itself (a plural, a
 * conjugation: "dog"/"dogs", "park"/"parking", "allowed"/"allowing") by a shared prefix, so no
 * language-specific stemmer is needed. No synonyms: "dogs" and "pets" are different topics here.
 */

/** Questions at least this similar are one gap: more than half of their topic words in common. */
export const GAP_SIMILARITY = 0.55;
const MAX_TERMS = 30;

/** ISO 639-1 codes to the `stopword` package's list names (ISO 639-3, mostly). */
const LISTS: Record<string, string> = Object.fromEntries(
  [
    'af:afr ar:ara bg:bul bn:ben br:bre ca:cat cs:ces da:dan de:deu el:ell en:eng eo:epo es:spa et:est eu:eus',
    'fa:fas fi:fin fr:fra ga:gle gl:glg gu:guj ha:hau he:heb hi:hin hr:hrv hu:hun hy:hye id:ind it:ita ja:jpn',
    'ko:kor ku:kur la:lat lt:lit lv:lav mr:mar ms:msa my:mya nb:nob nl:nld no:nob pa:panGu pl:pol pt:por',
    'ro:ron ru:rus sk:slk sl:slv so:som st:sot sv:swe sw:swa th:tha tl:tgl tr:tur uk:ukr ur:urd vi:vie yo:yor',
    'zh:zho zu:zul',
  ]
    .flatMap((line) => line.split(' '))
    .map((pair): [string, string] => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]),
);
const ENGINE_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'];

/**
 * What every question to a hotel is made of besides its topic, in the engine's six languages:
 * greetings, thanks and "please"; question words, auxiliaries and modals ("is there", "can I",
 * "¿hay…?", "gibt es", "c'è"), which the `stopword` lists leave in; the hotel itself; and what is
 * asked about a thing rather than the thing (its hours, price, whether it is open, free, included
 * or allowed), so that "when does the pool open?" and "is the pool heated?" are one gap, and
 * "is parking free?" and "is the wifi free?" two.
 */
const SCAFFOLDING = [
  // English
  'hi hello hey please thanks thank thx regards dear morning evening does when why may shall will',
  'anyone someone something anything need want know tell let able possible hotel hotels',
  'time times hour hours open opens opening close closes closing closed price prices cost costs charge',
  'fee fees free pay paid available included include allowed permitted much many long far',
  // Spanish
  'hola gracias favor buenos buenas saludos hay puedo puede pueden podemos podria quiero queremos',
  'quisiera necesito tiene tienen tienes tengo esta estan hacer saber cuando cuanto cuantos cual donde',
  'que como algun alguna alguien posible hora horas abre abren abierto abierta cierra cierran cerrado',
  'cerrada precio precios cuesta cuestan cobran gratis gratuito gratuita pagar disponible incluido',
  'incluida permitido permitidos permiten admiten lejos',
  // French
  'bonjour bonsoir salut merci svp plait puis peux peut pouvez pouvons veux voudrais voudrions faut',
  'avez avons etes quand combien quel quelle quels quelles comment ou pourquoi possible savoir besoin',
  'heure heures ouvert ouverte ouvre ouvrent ferme fermee ferment prix coute coutent tarif tarifs',
  'gratuit gratuite payant payer disponible inclus incluse autorise autorises accepte acceptes loin',
  // German
  'hallo guten morgen abend bitte danke dankeschon gruss gibt kann konnen konnte darf durfen muss',
  'mochte mochten will wollen haben habt hat wann wo warum welche welcher wieviel viel moglich uhr',
  'zeit offnet geoffnet offen schliesst geschlossen preis preise kostet kosten gebuhr kostenlos gratis',
  'bezahlen verfugbar inklusive inbegriffen erlaubt weit',
  // Italian
  'ciao salve buongiorno buonasera grazie prego posso possiamo puo puoi potete vorrei vorremmo voglio',
  'avete hanno sono quanto quanti quale dove cosa possibile sapere albergo ora ore orario apre aperto',
  'aperta chiude chiuso chiusa prezzo prezzi costa costano gratuito gratuita pagare disponibile',
  'incluso inclusa ammessi ammesso permesso lontano',
  // Portuguese
  'ola oi obrigado obrigada bom dia tarde noite podemos pode podem quero queria gostaria preciso tem',
  'tenho sao estao onde porque horario aberto aberta fecha fechado fechada preco precos custa custam',
  'disponivel incluido incluida permitidos aceitos longe',
].flatMap((line) => line.split(' '));

/** Lower case, compatibility decomposition, no combining marks; ß, æ, œ, ø spelled out. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđłı]/g, (c) => FOLDS[c] ?? c);
}
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };

const stopSets = new Map<string, Set<string>>();
const lists = stopword as unknown as Record<string, string[] | undefined>;

/** The folded stop words of a language (its base code: pt-BR is pt), empty when none is known. */
function stopSet(language: string): Set<string> {
  const code = language.toLowerCase().split(/[-_]/)[0];
  let set = stopSets.get(code);
  if (!set) {
    const list = lists[LISTS[code] ?? code];
    set = new Set(Array.isArray(list) ? list.flatMap((w) => foldText(w).split(/[^\p{L}\p{N}]+/u)) : []);
    stopSets.set(code, set);
  }
  return set;
}

let base: Set<string> | undefined;
function baseStops(): Set<string> {
  base ??= new Set([...ENGINE_LANGUAGES.flatMap((l) => [...stopSet(l)]), ...SCAFFOLDING]);
  return base;
}

/** Scripts written without spaces between words. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * The topic terms of a question, in order of first appearance, at most 30. A question of nothing
 * but function words ("where is it?") keeps all its words, so that it still matches itself.
 */
export function gapTerms(text: string, language = 'en'): string[] {
  const words = foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  const own = stopSet(language);
  const all: string[] = [];
  const content: string[] = [];
  for (const word of words.flatMap(split)) {
    if (/^\p{N}+$/u.test(word)) continue;
    all.push(word);
    const unspaced = UNSPACED.test(word);
    if (!unspaced && (word.length < 2 || own.has(word) || baseStops().has(word))) continue;
    content.push(word);
  }
  return [...new Set(content.length ? content : all)].slice(0, MAX_TERMS);
}

/** A word; a run of an unspaced script becomes its overlapping character pairs. */
function split(word: string): string[] {
  if (!UNSPACED.test(word)) return [word];
  const chars = [...word];
  if (chars.length < 3) return [word];
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
}

/**
 * Whether two terms are forms of one word: equal; one a prefix of the other with a short ending
 * added (at most one letter to a three-letter word, three to a longer one); or sharing a prefix of
 * at least five letters that is most of the shorter word.
 */
export function termsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let p = 0;
  while (p < short.length && short[p] === long[p]) p++;
  if (p === short.length && short.length >= 3)
    return long.length - short.length <= (short.length === 3 ? 1 : 3);
  return p >= 5 && p >= Math.ceil(short.length * 0.7);
}

/** The Dice coefficient of two term lists, a term matching at most one other (equal ones first); 0–1. */
export function termSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const free = new Set(b.keys());
  const pending: string[] = [];
  let matched = 0;
  for (const term of a) {
    const i = b.findIndex((other, j) => free.has(j) && other === term);
    if (i >= 0) {
      free.delete(i);
      matched++;
    } else pending.push(term);
  }
  for (const term of pending) {
    const i = [...free].find((j) => termsMatch(term, b[j]));
    if (i !== undefined) {
      free.delete(i);
      matched++;
    }
  }
  return (2 * matched) / (a.length + b.length);
}
