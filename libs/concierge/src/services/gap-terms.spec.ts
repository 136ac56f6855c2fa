import { GAP_SIMILARITY, gapTerms, termSimilarity, termsMatch } from './gap-terms';

const similarity = (language: string, a: string, b: string) =>
  termSimilarity(gapTerms(a, language), gapTerms(b, language));

describe(gapTerms.name, () => {
  it('keeps the topic words, folded, without function words, greetings or numbers', () => {
    expect(gapTerms('Good morning! Can I get 2 extra pillows for room 512, please?', 'en')).toEqual([
      'good',
      'extra',
      'pillows',
      'room',
    ]);
    expect(gapTerms('Guten Morgen, ist das Frühstück im Preis inbegriffen?', 'de')).toEqual(['fruhstuck']);
    expect(gapTerms('¿Hay caja fuerte en la habitación?', 'es')).toEqual(['caja', 'fuerte', 'habitacion']);
  });

  it('removes the function words of the question’s own language too, beyond the engine’s six', () => {
    const polish = 'Czy w hotelu jest basen?';
    expect(gapTerms(polish, 'pl')).toEqual(['hotelu', 'basen']);
    expect(gapTerms(polish, 'en')).toEqual(expect.arrayContaining(['czy', 'jest']));
  });

  it('reads a regional language code by its base language', () => {
    expect(gapTerms('Czy w hotelu jest basen?', 'pl-PL')).toEqual(['hotelu', 'basen']);
  });

  it('cuts scripts written without spaces into overlapping character pairs', () => {
    expect(gapTerms('有停车场吗', 'zh')).toEqual(['有停', '停车', '车场', '场吗']);
  });

  it('keeps every word of a question made only of function words, so it still matches itself', () => {
    expect(gapTerms('What is this?', 'en')).toEqual(['what', 'is', 'this']);
  });

  it('gives each term once and at most 30', () => {
    const words = Array.from({ length: 40 }, (_, i) => `topic${String.fromCharCode(97 + (i % 26))}${i}`);
    expect(gapTerms(`spa spa Spa SPA ${words.join(' ')}`, 'en')).toHaveLength(30);
    expect(gapTerms('spa spa Spa SPA', 'en')).toEqual(['spa']);
  });
});

describe(termsMatch.name, () => {
  it.each([
    ['towel', 'towels'],
    ['reservation', 'reservations'],
    ['chambre', 'chambres'],
    ['zimmer', 'zimmern'],
    ['camera', 'camere'],
    ['lavanderia', 'lavanderias'],
    ['park', 'parking'],
  ])('matches %s with %s (another form of one word)', (a, b) => {
    expect(termsMatch(a, b)).toBe(true);
    expect(termsMatch(b, a)).toBe(true);
  });

  it.each([
    ['pool', 'poor'],
    ['card', 'care'],
    ['sauna', 'sausage'],
    ['bar', 'barbecue'],
    ['museum', 'music'],
    ['tea', 'teaching'],
  ])('does not match %s with %s', (a, b) => {
    expect(termsMatch(a, b)).toBe(false);
  });
});

describe(termSimilarity.name, () => {
  it('is 1 for the same terms in any order, 0 for none in common or no terms', () => {
    expect(termSimilarity(['spa', 'massage'], ['massage', 'spa'])).toBe(1);
    expect(termSimilarity(['spa'], ['gym'])).toBe(0);
    expect(termSimilarity([], ['gym'])).toBe(0);
  });

  it('is symmetric and lets a term match one other term only', () => {
    const a = ['dog', 'dogs', 'bowl'];
    const b = ['dog', 'bed'];
    expect(termSimilarity(a, b)).toBeCloseTo(termSimilarity(b, a));
    expect(termSimilarity(['dog', 'dogs'], ['dog'])).toBeCloseTo(2 / 3);
  });

  it.each([
    ['en', 'Does the hotel have a spa?', 'How much is a massage at the spa?'],
    ['es', '¿Hay caja fuerte en la habitación?', '¿Cómo funciona la caja fuerte?'],
    ['fr', 'Le petit-déjeuner est-il servi en chambre ?', 'À quelle heure est servi le petit-déjeuner ?'],
    ['de', 'Fährt ein Shuttlebus zum Bahnhof?', 'Was kostet der Shuttlebus zum Bahnhof?'],
    ['it', 'La colazione è inclusa nel prezzo?', 'Dove si fa la colazione?'],
    ['pt', 'O hotel tem estacionamento?', 'Quanto custa o estacionamento por noite?'],
  ])('groups two questions on one topic (%s)', (language, a, b) => {
    expect(similarity(language, a, b)).toBeGreaterThanOrEqual(GAP_SIMILARITY);
  });

  it.each([
    ['en', 'Does the hotel have a spa?', 'Does the hotel have a kids club?'],
    ['en', 'Is parking free?', 'Is the wifi free?'],
    ['es', '¿Hay caja fuerte en la habitación?', '¿Hay plancha en la habitación?'],
    ['fr', 'Où est la salle de sport ?', 'Où est la pharmacie la plus proche ?'],
    ['de', 'Gibt es einen Fahrradverleih?', 'Gibt es einen Friseur in der Nähe?'],
    ['it', 'Avete una navetta per l’aeroporto?', 'Avete un servizio di lavanderia?'],
    ['pt', 'Posso alugar uma bicicleta?', 'Posso alugar um carro?'],
  ])('keeps questions on different topics apart (%s)', (language, a, b) => {
    expect(similarity(language, a, b)).toBeLessThan(GAP_SIMILARITY);
  });
});
