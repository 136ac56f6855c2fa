import { extractEntities } from './entity-extractor';

/** A Friday. */
const TODAY = '2026-11-20';
/** A Wednesday, the day before New Year's Eve: dates roll over the month and the year. */
const YEAR_END = '2026-12-30';

interface Case<T> {
  text: string;
  language: string;
  expected: T;
  today?: string;
}

type Negative = Omit<Case<undefined>, 'expected'>;

describe(extractEntities.name, () => {
  describe('room', () => {
    it.each<Case<string>>([
      { text: 'Can I get two more towels to room 204 please?', language: 'en', expected: '204' },
      { text: 'rm 1512 needs more toilet paper', language: 'en', expected: '1512' },
      { text: 'Necesito almohadas en la habitación 305', language: 'es', expected: '305' },
      { text: 'Il manque une couverture dans la chambre 12', language: 'fr', expected: '12' },
      { text: 'Zimmer 410: bitte zwei Handtücher', language: 'de', expected: '410' },
      { text: 'Siamo nella camera 221, serve un phon', language: 'it', expected: '221' },
      { text: 'Estou no quarto 18 e preciso de toalhas', language: 'pt', expected: '18' },
      { text: 'Please bring some ice to #204', language: 'en', expected: '204' },
      { text: 'Can you send someone to 1203 asap', language: 'en', expected: '1203' },
      { text: 'The shower in 708 is leaking', language: 'en', expected: '708' },
      { text: 'We are in suite 12b', language: 'en', expected: '12B' },
      { text: '204 - two towels please', language: 'en', expected: '204' },
      { text: 'two towels please, 1512', language: 'en', expected: '1512' },
      { text: 'Hola, mi habitación es la 305', language: 'es', expected: '305' },
      { text: 'Zimmer Nr. 410, Weckruf um 7 Uhr', language: 'de', expected: '410' },
      { text: 'chambre n° 12, réveil à 7h', language: 'fr', expected: '12' },
      { text: 'quiero 2 toallas, soy de la 305', language: 'es', expected: '305' },
      { text: 'room 1930, wake-up call at 6:45', language: 'en', expected: '1930' },
      { text: 'Move me from room 204 to room 305', language: 'en', expected: '204' },
      { text: 'o meu quarto é o 18', language: 'pt', expected: '18' },
      { text: 'la mia camera è la 221', language: 'it', expected: '221' },
    ])('reads $expected when the guest writes "$text"', ({ text, language, expected }) => {
      expect(extractEntities(text, language, TODAY).room).toBe(expected);
    });

    it.each<Negative>([
      { text: 'Wake-up call at 7:30 please', language: 'en' },
      { text: 'How much is the massage? 120 eur', language: 'en' },
      { text: 'Call me on +34 612 345 678', language: 'en' },
      { text: 'Mi teléfono es 612 34 56 78', language: 'es' },
      { text: 'I need 2 towels', language: 'en' },
      { text: 'Table for 4 at 8pm', language: 'en' },
      { text: 'Can I extend until the 28th?', language: 'en' },
      { text: 'The wifi password 2045 does not work', language: 'en' },
      { text: 'We stayed here in 2024', language: 'en' },
      { text: 'Is the reception open 24h?', language: 'en' },
      { text: 'Zimmer 5 Handtücher bitte', language: 'de' },
      { text: 'Channel 204 is not working', language: 'en' },
      { text: 'My flight BA 2490 lands at 14:30', language: 'en' },
      { text: 'Can I get a room for 2 people?', language: 'en' },
      { text: 'Our flight lands at 1540', language: 'en' },
    ])('finds no room when the guest writes "$text"', ({ text, language }) => {
      expect(extractEntities(text, language, TODAY).room).toBeUndefined();
    });
  });

  describe('items', () => {
    it.each<Case<{ item: string; quantity: number }[]>>([
      { text: 'Can I get two more towels?', language: 'en', expected: [{ item: 'towel', quantity: 2 }] },
      {
        text: '2 oreillers et une couverture svp',
        language: 'fr',
        expected: [
          { item: 'pillow', quantity: 2 },
          { item: 'blanket', quantity: 1 },
        ],
      },
      {
        text: 'Könnten Sie ein paar Handtücher bringen?',
        language: 'de',
        expected: [{ item: 'towel', quantity: 2 }],
      },
      { text: 'Un par de almohadas, por favor', language: 'es', expected: [{ item: 'pillow', quantity: 2 }] },
      { text: 'more toilet paper please', language: 'en', expected: [{ item: 'toilet_paper', quantity: 1 }] },
      { text: 'dos toallas de playa', language: 'es', expected: [{ item: 'beach_towel', quantity: 2 }] },
      {
        text: 'Two bathrobes and a pair of slippers',
        language: 'en',
        expected: [
          { item: 'bathrobe', quantity: 2 },
          { item: 'slippers', quantity: 1 },
        ],
      },
      { text: 'Do you have a cot for the baby?', language: 'en', expected: [{ item: 'crib', quantity: 1 }] },
      {
        text: "Un lit bébé et un lit d'appoint, s'il vous plaît",
        language: 'fr',
        expected: [
          { item: 'crib', quantity: 1 },
          { item: 'extra_bed', quantity: 1 },
        ],
      },
      {
        text: 'Wir brauchen ein Babybett und ein Zusatzbett',
        language: 'de',
        expected: [
          { item: 'crib', quantity: 1 },
          { item: 'extra_bed', quantity: 1 },
        ],
      },
      {
        text: 'Una culla e un letto aggiuntivo nella camera 221',
        language: 'it',
        expected: [
          { item: 'crib', quantity: 1 },
          { item: 'extra_bed', quantity: 1 },
        ],
      },
      {
        text: 'Um berço e uma cama extra, por favor',
        language: 'pt',
        expected: [
          { item: 'crib', quantity: 1 },
          { item: 'extra_bed', quantity: 1 },
        ],
      },
      {
        text: '¿Nos ponen una cama supletoria?',
        language: 'es',
        expected: [{ item: 'extra_bed', quantity: 1 }],
      },
      {
        text: 'towels x3 and 2x pillows',
        language: 'en',
        expected: [
          { item: 'towel', quantity: 3 },
          { item: 'pillow', quantity: 2 },
        ],
      },
      { text: 'some towels please', language: 'en', expected: [{ item: 'towel', quantity: 1 }] },
      {
        text: 'quelques serviettes de bain',
        language: 'fr',
        expected: [{ item: 'bath_towel', quantity: 1 }],
      },
      { text: "due bottiglie d'acqua", language: 'it', expected: [{ item: 'water', quantity: 2 }] },
      { text: 'duas garrafas de água', language: 'pt', expected: [{ item: 'water', quantity: 2 }] },
      { text: 'zwei Flaschen Wasser bitte', language: 'de', expected: [{ item: 'water', quantity: 2 }] },
      { text: 'a towel and another towel', language: 'en', expected: [{ item: 'towel', quantity: 2 }] },
      {
        text: '2 towels please. The towels are wet',
        language: 'en',
        expected: [{ item: 'towel', quantity: 2 }],
      },
      {
        text: 'more coffee capsules for the machine',
        language: 'en',
        expected: [{ item: 'coffee', quantity: 1 }],
      },
      {
        text: 'dos rollos de papel higiénico',
        language: 'es',
        expected: [{ item: 'toilet_paper', quantity: 2 }],
      },
      { text: 'a dozen hangers', language: 'en', expected: [{ item: 'hangers', quantity: 12 }] },
      {
        text: 'Encore du thé et des serviettes',
        language: 'fr',
        expected: [
          { item: 'tea', quantity: 1 },
          { item: 'towel', quantity: 1 },
        ],
      },
      {
        text: '2 Bademäntel und einen Föhn auf Zimmer 318',
        language: 'de',
        expected: [
          { item: 'bathrobe', quantity: 2 },
          { item: 'hair_dryer', quantity: 1 },
        ],
      },
    ])('reads $expected.0.item when the guest writes "$text"', ({ text, language, expected }) => {
      expect(extractEntities(text, language, TODAY).items).toEqual(expected);
    });

    it.each<Negative>([
      { text: 'Two coffees and a croissant to room 305', language: 'en' },
      { text: 'There is no hot water', language: 'en' },
      { text: 'No hay agua caliente en la ducha', language: 'es' },
      { text: 'Due gelati e un caffè', language: 'it' },
      { text: 'I lost my glasses at the pool', language: 'en' },
      { text: 'The air conditioner is broken', language: 'en' },
      { text: 'Can you iron my shirt?', language: 'en' },
      { text: 'Me gusta el pescado a la plancha', language: 'es' },
      { text: 'Can you bring the bill to the table?', language: 'en' },
      { text: 'Deux cafés et un croissant, chambre 12', language: 'fr' },
    ])('finds no item when the guest writes "$text"', ({ text, language }) => {
      expect(extractEntities(text, language, TODAY).items).toBeUndefined();
    });
  });

  describe('time', () => {
    it.each<Case<string>>([
      { text: 'Wake me up at 7am', language: 'en', expected: '07:00' },
      { text: 'wake-up call at 7:30', language: 'en', expected: '07:30' },
      { text: 'Réveil à 07h30', language: 'fr', expected: '07:30' },
      { text: 'Une table à 19h', language: 'fr', expected: '19:00' },
      { text: 'Taxi vers 19h30', language: 'fr', expected: '19:30' },
      { text: 'Weckruf um halb acht', language: 'de', expected: '07:30' },
      { text: 'Frühstück um viertel nach 7', language: 'de', expected: '07:15' },
      { text: 'Taxi um 20 Uhr', language: 'de', expected: '20:00' },
      { text: 'Weckruf um 8 Uhr', language: 'de', expected: '08:00' },
      { text: 'Can we check out at noon?', language: 'en', expected: '12:00' },
      { text: '¿Podemos salir a mediodía?', language: 'es', expected: '12:00' },
      { text: 'Départ à midi', language: 'fr', expected: '12:00' },
      { text: 'Heute Mittag bitte', language: 'de', expected: '12:00' },
      { text: 'Il check-out a mezzogiorno', language: 'it', expected: '12:00' },
      { text: 'Saída ao meio-dia', language: 'pt', expected: '12:00' },
      { text: 'Arriving at midnight', language: 'en', expected: '00:00' },
      { text: 'Un taxi a las 6 de la tarde', language: 'es', expected: '18:00' },
      { text: 'Cena a las 6 de la noche', language: 'es', expected: '18:00' },
      { text: 'Despertador a las 8 de la mañana', language: 'es', expected: '08:00' },
      { text: 'Réveil à 8 heures du matin', language: 'fr', expected: '08:00' },
      { text: 'Sveglia alle 8', language: 'it', expected: '08:00' },
      { text: 'Táxi às 7h', language: 'pt', expected: '07:00' },
      { text: 'Table for two at 7pm', language: 'en', expected: '19:00' },
      { text: 'quarter past 7', language: 'en', expected: '07:15' },
      { text: 'half past 6 please', language: 'en', expected: '06:30' },
      { text: 'Wake-up call at 7', language: 'en', expected: '07:00' },
      { text: 'A table tonight at 8', language: 'en', expected: '20:00' },
      { text: 'Despiértenme a las 7 y media', language: 'es', expected: '07:30' },
      { text: 'Svegliami alle 7 e mezza', language: 'it', expected: '07:30' },
      { text: 'Einen Tisch um 8 am Abend', language: 'de', expected: '20:00' },
      { text: 'Jantar às 9 da noite', language: 'pt', expected: '21:00' },
      { text: 'Frühstück für zwei um halb neun', language: 'de', expected: '08:30' },
    ])('reads $expected when the guest writes "$text"', ({ text, language, expected }) => {
      expect(extractEntities(text, language, TODAY).time).toBe(expected);
    });

    it.each<Negative>([
      { text: 'room 1930 needs towels', language: 'en' },
      { text: 'It costs 45 eur', language: 'en' },
      { text: '2 towels please', language: 'en' },
      { text: 'Is the gym open 24h?', language: 'en' },
      { text: 'The taxi comes in 2 hours', language: 'en' },
      { text: 'Can I stay until the 28th?', language: 'en' },
      { text: 'Call me at +44 7700 900123', language: 'en' },
      { text: 'Please come at once', language: 'en' },
      { text: 'Our flight lands at 1540', language: 'en' },
    ])('finds no time when the guest writes "$text"', ({ text, language }) => {
      expect(extractEntities(text, language, TODAY).time).toBeUndefined();
    });
  });

  describe('date', () => {
    it.each<Case<string>>([
      { text: 'Can I have it today?', language: 'en', expected: '2026-11-20' },
      { text: 'Wake-up call tomorrow', language: 'en', expected: '2026-11-21' },
      { text: 'Para mañana, por favor', language: 'es', expected: '2026-11-21' },
      { text: 'mañana por la mañana', language: 'es', expected: '2026-11-21' },
      { text: 'Un taxi pour demain', language: 'fr', expected: '2026-11-21' },
      { text: 'Ein Taxi morgen früh', language: 'de', expected: '2026-11-21' },
      { text: 'Un taxi per domani', language: 'it', expected: '2026-11-21' },
      { text: 'Um táxi para amanhã', language: 'pt', expected: '2026-11-21' },
      { text: 'Hoje à noite', language: 'pt', expected: '2026-11-20' },
      { text: "Aujourd'hui, s'il vous plaît", language: 'fr', expected: '2026-11-20' },
      { text: 'übermorgen', language: 'de', expected: '2026-11-22' },
      { text: 'Spa on Friday', language: 'en', expected: '2026-11-20' },
      { text: 'Spa on Monday', language: 'en', expected: '2026-11-23' },
      { text: 'next Friday', language: 'en', expected: '2026-11-27' },
      { text: 'Can I stay until the 28th?', language: 'en', expected: '2026-11-28' },
      { text: 'Reserve for 28/11', language: 'en', expected: '2026-11-28' },
      { text: 'Ankunft am 28.11.', language: 'de', expected: '2026-11-28' },
      { text: 'Nov 28 at 8pm', language: 'en', expected: '2026-11-28' },
      { text: 'El 28 de noviembre', language: 'es', expected: '2026-11-28' },
      { text: 'le 28 novembre', language: 'fr', expected: '2026-11-28' },
      { text: 'am 28. November', language: 'de', expected: '2026-11-28' },
      { text: 'il 28 novembre', language: 'it', expected: '2026-11-28' },
      { text: 'dia 28 de novembro', language: 'pt', expected: '2026-11-28' },
      { text: 'Checking out 11/28', language: 'en', expected: '2026-11-28' },
      { text: 'Arriving 12/01', language: 'en', expected: '2027-01-12' },
      { text: 'on the 2nd', language: 'en', today: YEAR_END, expected: '2027-01-02' },
      { text: 'tomorrow', language: 'en', today: YEAR_END, expected: '2026-12-31' },
      { text: 'the day after tomorrow', language: 'en', today: YEAR_END, expected: '2027-01-01' },
      { text: 'pasado mañana', language: 'es', today: YEAR_END, expected: '2027-01-01' },
      { text: 'on Friday', language: 'en', today: YEAR_END, expected: '2027-01-01' },
      { text: 'Wednesday', language: 'en', today: YEAR_END, expected: '2026-12-30' },
      { text: 'next Wednesday', language: 'en', today: YEAR_END, expected: '2027-01-06' },
      { text: 'el 28/12', language: 'es', today: YEAR_END, expected: '2027-12-28' },
      { text: 'le 3 janvier', language: 'fr', today: YEAR_END, expected: '2027-01-03' },
      { text: 'am 31.12.', language: 'de', today: YEAR_END, expected: '2026-12-31' },
    ])('resolves $expected when the guest writes "$text"', ({ text, language, expected, today }) => {
      expect(extractEntities(text, language, today ?? TODAY).date).toBe(expected);
    });

    it.each<Negative>([
      { text: 'Breakfast por la mañana', language: 'es' },
      { text: 'Guten Morgen!', language: 'de' },
      { text: 'Frühstück am Morgen', language: 'de' },
      { text: 'Is the pool open 24/7?', language: 'en' },
      { text: 'Breakfast at 7.30', language: 'en' },
      { text: 'Frühstück um 10.30', language: 'de' },
      { text: 'I stayed 3 nights', language: 'en' },
      { text: 'a segunda toalha', language: 'pt' },
      { text: 'Any date', language: 'en', today: 'not-a-date' },
    ])('finds no date when the guest writes "$text"', ({ text, language, today }) => {
      expect(extractEntities(text, language, today ?? TODAY).date).toBeUndefined();
    });
  });

  describe('people', () => {
    it.each<Case<number>>([
      { text: 'A table for 4 tonight', language: 'en', expected: 4 },
      { text: 'Dinner for two people', language: 'en', expected: 2 },
      { text: 'We are 3', language: 'en', expected: 3 },
      { text: '2 adults and 1 child', language: 'en', expected: 3 },
      { text: 'Mesa para 4 personas', language: 'es', expected: 4 },
      { text: 'Une table pour 2 personnes', language: 'fr', expected: 2 },
      { text: 'Einen Tisch für 3 Personen', language: 'de', expected: 3 },
      { text: 'Un tavolo per 2 persone', language: 'it', expected: 2 },
      { text: 'Uma mesa para 2 pessoas', language: 'pt', expected: 2 },
      { text: 'We are a family of four', language: 'en', expected: 4 },
      { text: 'Wir sind zu viert', language: 'de', expected: 4 },
      { text: 'Siamo in 5', language: 'it', expected: 5 },
      { text: 'Somos 2 adultos y 2 niños', language: 'es', expected: 4 },
      { text: 'Dinner for two at 8', language: 'en', expected: 2 },
      { text: 'There are 6 of us', language: 'en', expected: 6 },
      { text: 'Nous sommes 3', language: 'fr', expected: 3 },
      { text: 'Prenotazione per 3 persone stasera', language: 'it', expected: 3 },
      { text: 'Somos 4, ¿hay mesa a las 21h?', language: 'es', expected: 4 },
    ])('counts $expected when the guest writes "$text"', ({ text, language, expected }) => {
      expect(extractEntities(text, language, TODAY).people).toBe(expected);
    });

    it.each<Negative>([
      { text: 'Can I stay for 3 nights?', language: 'en' },
      { text: 'Two towels please', language: 'en' },
      { text: 'Room 204', language: 'en' },
      { text: 'A guest left his phone in the lobby', language: 'en' },
      { text: 'Could you bring up 2 towels for the kids?', language: 'en' },
    ])('counts nobody when the guest writes "$text"', ({ text, language }) => {
      expect(extractEntities(text, language, TODAY).people).toBeUndefined();
    });
  });
});
