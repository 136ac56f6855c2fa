/**
 * Text as the builtin engine matches it: lower case, accents and other combining marks removed,
 * ß as ss, every run of punctuation (apostrophes too: l'eau → l eau) or white space one space,
 * colons kept only between digits (7:30), padded with one space at each end so patterns can
 * anchor on word edges with a plain space.
 */
export function normalize(text: string): string {
  const folded = fold(text)
    .replace(/[^\p{L}\p{N}:]+/gu, ' ')
    .replace(/(?<!\d):|:(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ` ${folded} `;
}

/** Lower case, accents and other combining marks removed, ß as ss, æ/œ/ø as ae/oe/o; nothing else. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o');
}
