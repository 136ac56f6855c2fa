import { type IntentId } from '../intent-taxonomy';

type Hints = Record<string, string>;

/**
 * Words of each inquiry's topic in the languages the hotel's knowledge may be written in. A guest
 * asking in one language about knowledge written in another still finds it: retrieval searches
 * the question together with the topic's words in the knowledge's language.
 */
const HINTS: Partial<Record<IntentId, Hints>> = {
  'inquiry.check_in_out': {
    en: 'check-in check-out time arrival departure',
    es: 'check-in check-out hora entrada salida llegada',
    fr: 'arrivée départ heure check-in check-out',
    de: 'Check-in Check-out Anreise Abreise Uhrzeit',
    it: 'check-in check-out orario arrivo partenza',
    pt: 'check-in check-out horário entrada saída chegada',
  },
  'inquiry.wifi': {
    en: 'wifi wireless internet network password',
    es: 'wifi internet red contraseña',
    fr: 'wifi internet réseau mot de passe',
    de: 'WLAN WiFi Internet Netzwerk Passwort',
    it: 'wifi internet rete password',
    pt: 'wifi internet rede senha palavra-passe',
  },
  'inquiry.amenities': {
    en: 'pool gym spa sauna fitness facilities opening hours',
    es: 'piscina gimnasio spa sauna instalaciones horario',
    fr: 'piscine salle de sport spa sauna équipements horaires',
    de: 'Pool Schwimmbad Fitness Spa Sauna Einrichtungen Öffnungszeiten',
    it: 'piscina palestra spa sauna servizi orari',
    pt: 'piscina ginásio spa sauna instalações horário',
  },
  'inquiry.dining': {
    en: 'breakfast restaurant dinner lunch bar menu hours',
    es: 'desayuno restaurante cena almuerzo bar menú horario',
    fr: 'petit-déjeuner restaurant dîner déjeuner bar menu horaires',
    de: 'Frühstück Restaurant Abendessen Mittagessen Bar Speisekarte Zeiten',
    it: 'colazione ristorante cena pranzo bar menù orari',
    pt: 'pequeno-almoço café da manhã restaurante jantar almoço bar menu horário',
  },
  'inquiry.location': {
    en: 'address location directions nearby beach old town pharmacy walk',
    es: 'dirección ubicación cerca playa casco antiguo farmacia',
    fr: 'adresse emplacement à proximité plage vieille ville pharmacie',
    de: 'Adresse Lage Umgebung Strand Altstadt Apotheke',
    it: 'indirizzo posizione vicino spiaggia centro storico farmacia',
    pt: 'morada endereço localização perto praia centro histórico farmácia',
  },
  'inquiry.parking': {
    en: 'parking garage car valet charger',
    es: 'aparcamiento parking garaje coche cargador',
    fr: 'parking garage voiture voiturier borne',
    de: 'Parkplatz Parkhaus Garage Auto Ladestation',
    it: 'parcheggio garage auto colonnina',
    pt: 'estacionamento garagem carro carregador',
  },
  'inquiry.accessibility': {
    en: 'accessible accessibility wheelchair lift elevator step-free',
    es: 'accesible accesibilidad silla de ruedas ascensor',
    fr: 'accessible accessibilité fauteuil roulant ascenseur',
    de: 'barrierefrei Rollstuhl Aufzug',
    it: 'accessibile accessibilità sedia a rotelle ascensore',
    pt: 'acessível acessibilidade cadeira de rodas elevador',
  },
  'inquiry.pets': {
    en: 'pets dogs cats animals allowed',
    es: 'mascotas perros gatos animales',
    fr: 'animaux chiens chats acceptés',
    de: 'Haustiere Hunde Katzen Tiere erlaubt',
    it: 'animali cani gatti ammessi',
    pt: 'animais de estimação cães gatos',
  },
  'inquiry.transport': {
    en: 'airport shuttle transfer taxi train station bus transport',
    es: 'aeropuerto traslado lanzadera taxi estación tren autobús',
    fr: 'aéroport navette transfert taxi gare train bus',
    de: 'Flughafen Shuttle Transfer Taxi Bahnhof Zug Bus',
    it: 'aeroporto navetta transfer taxi stazione treno autobus',
    pt: 'aeroporto transfer vaivém táxi estação comboio autocarro',
  },
  'inquiry.policies': {
    en: 'policy rules smoking children visitors quiet hours luggage storage',
    es: 'normas política fumar niños visitas horas de silencio consigna',
    fr: 'règlement politique fumer enfants visiteurs heures calmes bagagerie',
    de: 'Hausordnung Regeln Rauchen Kinder Besucher Nachtruhe Gepäckaufbewahrung',
    it: 'regole politica fumo bambini visitatori orari silenzio deposito bagagli',
    pt: 'regras política fumar crianças visitas horas de silêncio depósito bagagem',
  },
};

/** The topic words of an inquiry in the knowledge's language (English when it has none there). */
export function knowledgeHint(intent: IntentId, knowledgeLanguage: string): string {
  const hints = HINTS[intent];
  if (!hints) return '';
  return hints[knowledgeLanguage.slice(0, 2)] ?? hints.en;
}
