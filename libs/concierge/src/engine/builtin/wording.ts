import { type Department, type Item } from '../intent-taxonomy';

/**
 * What the builtin engine says, in each language it has wording for. Every line states only what
 * will happen or what the hotel's own data says; placeholders are filled from the message's
 * entities and the reservation. A property can override any line per language in its policy.
 */
export const WORDING_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'] as const;
export type WordingLanguage = (typeof WORDING_LANGUAGES)[number];

export const LINE_KEYS = [
  'greeting',
  'thanks',
  'farewell',
  'compliment',
  'holding',
  'emergency',
  'identity',
  'noAnswer',
  'bring',
  'bringNoRoom',
  'fix',
  'wakeUp',
  'doNotDisturb',
  'arrange',
  'arrangeAt',
  'generic',
  'taskDone',
  'tasksDone',
  'reservation',
] as const;
export type LineKey = (typeof LINE_KEYS)[number];

type Lines = Record<LineKey, string>;

const LINES: Record<WordingLanguage, Lines> = {
  en: {
    greeting: 'Hello! I am the virtual concierge of {hotel}. How can I help you?',
    thanks: 'You are welcome! Let me know if there is anything else I can do for you.',
    farewell: 'Goodbye, and thank you for staying with us!',
    compliment: 'Thank you so much for your kind words! I will share them with the team.',
    holding:
      'Thank you, I have passed this on to our {department} team. Someone will get back to you shortly.',
    emergency:
      'If anyone is in danger, call emergency services ({emergencyNumber}) now, and call the front desk right away. I have alerted our team.',
    identity:
      'I have passed your request on to our {department} team. To arrange it, they may need your room number and the name on the booking; they will get back to you shortly.',
    noAnswer:
      'I do not have that information at hand. I have asked a member of our team to get back to you shortly.',
    bring: 'I have asked our {department} team to bring {items} to room {room}.',
    bringNoRoom: 'I have asked our {department} team to bring {items}.',
    fix: 'I have asked our {department} team to look at it in room {room} as soon as possible.',
    wakeUp: 'I have arranged a wake-up call at {time} for room {room}.',
    doNotDisturb: 'Noted: nobody will disturb room {room}.',
    arrange: 'I have passed your request on to our {department} team; they will confirm the details shortly.',
    arrangeAt:
      'I have passed your request for {time} on to our {department} team; they will confirm the details shortly.',
    generic:
      'I have passed your request for room {room} on to our {department} team; they will take care of it shortly.',
    taskDone: 'Done: {task}. Let us know if you need anything else.',
    tasksDone: 'Done: {tasks}. Let us know if you need anything else.',
    reservation: 'Your booking {confirmation} is from {arrival} to {departure} ({roomType}).',
  },
  es: {
    greeting: '¡Hola! Soy el conserje virtual de {hotel}. ¿En qué puedo ayudarle?',
    thanks: '¡De nada! Dígame si puedo ayudarle en algo más.',
    farewell: '¡Hasta pronto y gracias por alojarse con nosotros!',
    compliment: '¡Muchas gracias por sus amables palabras! Se las transmitiré al equipo.',
    holding: 'Gracias, he pasado su mensaje a nuestro equipo de {department}. Le responderán en breve.',
    emergency:
      'Si alguien está en peligro, llame ahora a emergencias ({emergencyNumber}) y llame a recepción de inmediato. He avisado a nuestro equipo.',
    identity:
      'He pasado su solicitud al equipo de {department}. Para gestionarla pueden necesitar su número de habitación y el nombre de la reserva; le responderán en breve.',
    noAnswer:
      'No tengo esa información a mano. He pedido a un miembro de nuestro equipo que le responda en breve.',
    bring: 'He pedido al equipo de {department} que lleve {items} a la habitación {room}.',
    bringNoRoom: 'He pedido al equipo de {department} que lleve {items}.',
    fix: 'He pedido al equipo de {department} que lo revise en la habitación {room} lo antes posible.',
    wakeUp: 'He programado una llamada de despertador a las {time} para la habitación {room}.',
    doNotDisturb: 'Anotado: nadie molestará en la habitación {room}.',
    arrange: 'He pasado su solicitud al equipo de {department}; le confirmarán los detalles en breve.',
    arrangeAt:
      'He pasado su solicitud para las {time} al equipo de {department}; le confirmarán los detalles en breve.',
    generic:
      'He pasado su solicitud al equipo de {department} para la habitación {room}; se encargarán en breve.',
    taskDone: 'Hecho: {task}. Díganos si necesita algo más.',
    tasksDone: 'Hecho: {tasks}. Díganos si necesita algo más.',
    reservation: 'Su reserva {confirmation} es del {arrival} al {departure} ({roomType}).',
  },
  fr: {
    greeting: 'Bonjour ! Je suis le concierge virtuel de {hotel}. Comment puis-je vous aider ?',
    thanks: 'Avec plaisir ! Dites-moi si je peux faire autre chose pour vous.',
    farewell: 'Au revoir, et merci d’avoir séjourné chez nous !',
    compliment: 'Merci beaucoup pour vos aimables mots ! Je les transmets à l’équipe.',
    holding: 'Merci, j’ai transmis votre message à l’équipe {department}. Quelqu’un vous répondra très vite.',
    emergency:
      'Si quelqu’un est en danger, appelez immédiatement les secours ({emergencyNumber}) et appelez la réception tout de suite. J’ai alerté notre équipe.',
    identity:
      'J’ai transmis votre demande à l’équipe {department}. Pour s’en occuper, elle aura peut-être besoin de votre numéro de chambre et du nom de la réservation ; elle vous répondra très vite.',
    noAnswer:
      'Je n’ai pas cette information sous la main. J’ai demandé à un membre de notre équipe de vous répondre très vite.',
    bring: 'J’ai demandé à l’équipe {department} d’apporter {items} à la chambre {room}.',
    bringNoRoom: 'J’ai demandé à l’équipe {department} d’apporter {items}.',
    fix: 'J’ai demandé à l’équipe {department} de vérifier cela dans la chambre {room} au plus vite.',
    wakeUp: 'J’ai programmé un réveil à {time} pour la chambre {room}.',
    doNotDisturb: 'C’est noté : personne ne dérangera la chambre {room}.',
    arrange:
      'J’ai transmis votre demande à l’équipe {department} ; elle vous confirmera les détails très vite.',
    arrangeAt:
      'J’ai transmis votre demande pour {time} à l’équipe {department} ; elle vous confirmera les détails très vite.',
    generic:
      'J’ai transmis votre demande pour la chambre {room} à l’équipe {department} ; elle s’en occupe très vite.',
    taskDone: 'C’est fait : {task}. N’hésitez pas si vous avez besoin d’autre chose.',
    tasksDone: 'C’est fait : {tasks}. N’hésitez pas si vous avez besoin d’autre chose.',
    reservation: 'Votre réservation {confirmation} va du {arrival} au {departure} ({roomType}).',
  },
  de: {
    greeting: 'Hallo! Ich bin der virtuelle Concierge von {hotel}. Wie kann ich Ihnen helfen?',
    thanks: 'Gern geschehen! Sagen Sie mir Bescheid, wenn ich noch etwas für Sie tun kann.',
    farewell: 'Auf Wiedersehen und danke, dass Sie bei uns waren!',
    compliment: 'Vielen Dank für Ihre freundlichen Worte! Ich gebe sie an das Team weiter.',
    holding:
      'Danke, ich habe Ihre Nachricht an unser Team ({department}) weitergegeben. Wir melden uns in Kürze.',
    emergency:
      'Wenn jemand in Gefahr ist, rufen Sie sofort den Notruf ({emergencyNumber}) und gleich danach die Rezeption an. Ich habe unser Team alarmiert.',
    identity:
      'Ich habe Ihre Anfrage an das Team ({department}) weitergegeben. Dafür braucht es eventuell Ihre Zimmernummer und den Namen der Buchung; wir melden uns in Kürze.',
    noAnswer:
      'Diese Information habe ich gerade nicht. Ich habe unser Team gebeten, sich in Kürze bei Ihnen zu melden.',
    bring: 'Ich habe unser Team ({department}) gebeten, {items} auf Zimmer {room} zu bringen.',
    bringNoRoom: 'Ich habe unser Team ({department}) gebeten, {items} zu bringen.',
    fix: 'Ich habe unser Team ({department}) gebeten, sich das auf Zimmer {room} so schnell wie möglich anzusehen.',
    wakeUp: 'Ich habe einen Weckruf um {time} für Zimmer {room} eingerichtet.',
    doNotDisturb: 'Notiert: Zimmer {room} wird nicht gestört.',
    arrange:
      'Ich habe Ihre Anfrage an unser Team ({department}) weitergegeben; die Details werden Ihnen in Kürze bestätigt.',
    arrangeAt:
      'Ich habe Ihre Anfrage für {time} an unser Team ({department}) weitergegeben; die Details werden Ihnen in Kürze bestätigt.',
    generic:
      'Ich habe Ihre Anfrage für Zimmer {room} an unser Team ({department}) weitergegeben; es wird sich in Kürze darum gekümmert.',
    taskDone: 'Erledigt: {task}. Melden Sie sich, wenn Sie noch etwas brauchen.',
    tasksDone: 'Erledigt: {tasks}. Melden Sie sich, wenn Sie noch etwas brauchen.',
    reservation: 'Ihre Buchung {confirmation} geht vom {arrival} bis {departure} ({roomType}).',
  },
  it: {
    greeting: 'Buongiorno! Sono il concierge virtuale di {hotel}. Come posso aiutarla?',
    thanks: 'Prego! Mi dica se posso fare altro per lei.',
    farewell: 'Arrivederci e grazie per aver soggiornato da noi!',
    compliment: 'Grazie mille per le sue parole gentili! Le riferirò al team.',
    holding: 'Grazie, ho inoltrato il suo messaggio al nostro team {department}. Le risponderanno a breve.',
    emergency:
      'Se qualcuno è in pericolo, chiami subito i soccorsi ({emergencyNumber}) e chiami immediatamente la reception. Ho avvisato il nostro team.',
    identity:
      'Ho inoltrato la sua richiesta al team {department}. Per gestirla potrebbero servire il numero di camera e il nome della prenotazione; le risponderanno a breve.',
    noAnswer:
      'Non ho questa informazione a portata di mano. Ho chiesto a un membro del nostro team di risponderle a breve.',
    bring: 'Ho chiesto al team {department} di portare {items} in camera {room}.',
    bringNoRoom: 'Ho chiesto al team {department} di portare {items}.',
    fix: 'Ho chiesto al team {department} di controllare in camera {room} il prima possibile.',
    wakeUp: 'Ho programmato la sveglia alle {time} per la camera {room}.',
    doNotDisturb: 'Preso nota: nessuno disturberà la camera {room}.',
    arrange: 'Ho inoltrato la sua richiesta al team {department}; le confermeranno i dettagli a breve.',
    arrangeAt:
      'Ho inoltrato la sua richiesta per le {time} al team {department}; le confermeranno i dettagli a breve.',
    generic:
      'Ho inoltrato la sua richiesta al team {department} per la camera {room}; se ne occuperanno a breve.',
    taskDone: 'Fatto: {task}. Ci faccia sapere se le serve altro.',
    tasksDone: 'Fatto: {tasks}. Ci faccia sapere se le serve altro.',
    reservation: 'La sua prenotazione {confirmation} va dal {arrival} al {departure} ({roomType}).',
  },
  pt: {
    greeting: 'Olá! Sou o concierge virtual do {hotel}. Como posso ajudar?',
    thanks: 'De nada! Diga-me se posso ajudar em mais alguma coisa.',
    farewell: 'Adeus, e obrigado por ter ficado connosco!',
    compliment: 'Muito obrigado pelas suas palavras simpáticas! Vou partilhá-las com a equipa.',
    holding:
      'Obrigado, passei a sua mensagem à nossa equipa de {department}. Alguém lhe responderá em breve.',
    emergency:
      'Se alguém estiver em perigo, ligue já para os serviços de emergência ({emergencyNumber}) e ligue de imediato para a receção. Já alertei a nossa equipa.',
    identity:
      'Passei o seu pedido à equipa de {department}. Para o tratar, poderão precisar do número do quarto e do nome da reserva; responderão em breve.',
    noAnswer: 'Não tenho essa informação à mão. Pedi a um membro da nossa equipa que lhe responda em breve.',
    bring: 'Pedi à equipa de {department} que leve {items} ao quarto {room}.',
    bringNoRoom: 'Pedi à equipa de {department} que leve {items}.',
    fix: 'Pedi à equipa de {department} que verifique no quarto {room} o mais rápido possível.',
    wakeUp: 'Marquei um despertar às {time} para o quarto {room}.',
    doNotDisturb: 'Anotado: ninguém vai incomodar o quarto {room}.',
    arrange: 'Passei o seu pedido à equipa de {department}; vão confirmar os detalhes em breve.',
    arrangeAt:
      'Passei o seu pedido para as {time} à equipa de {department}; vão confirmar os detalhes em breve.',
    generic: 'Passei o seu pedido à equipa de {department} para o quarto {room}; vão tratar disso em breve.',
    taskDone: 'Feito: {task}. Diga-nos se precisar de mais alguma coisa.',
    tasksDone: 'Feito: {tasks}. Diga-nos se precisar de mais alguma coisa.',
    reservation: 'A sua reserva {confirmation} é de {arrival} a {departure} ({roomType}).',
  },
};

const DEPARTMENTS: Record<WordingLanguage, Record<Department, string>> = {
  en: {
    housekeeping: 'housekeeping',
    maintenance: 'maintenance',
    front_desk: 'front desk',
    room_service: 'room service',
    concierge: 'concierge',
    security: 'security',
    guest_relations: 'guest relations',
    reservations: 'reservations',
    billing: 'billing',
    management: 'management',
  },
  es: {
    housekeeping: 'limpieza',
    maintenance: 'mantenimiento',
    front_desk: 'recepción',
    room_service: 'servicio de habitaciones',
    concierge: 'conserjería',
    security: 'seguridad',
    guest_relations: 'atención al cliente',
    reservations: 'reservas',
    billing: 'facturación',
    management: 'dirección',
  },
  fr: {
    housekeeping: 'du service d’étage',
    maintenance: 'de maintenance',
    front_desk: 'de la réception',
    room_service: 'du room service',
    concierge: 'de la conciergerie',
    security: 'de sécurité',
    guest_relations: 'de la relation client',
    reservations: 'des réservations',
    billing: 'de la facturation',
    management: 'de direction',
  },
  de: {
    housekeeping: 'Housekeeping',
    maintenance: 'Haustechnik',
    front_desk: 'Rezeption',
    room_service: 'Zimmerservice',
    concierge: 'Concierge',
    security: 'Sicherheitsdienst',
    guest_relations: 'Gästebetreuung',
    reservations: 'Reservierung',
    billing: 'Buchhaltung',
    management: 'Direktion',
  },
  it: {
    housekeeping: 'pulizie',
    maintenance: 'manutenzione',
    front_desk: 'reception',
    room_service: 'servizio in camera',
    concierge: 'concierge',
    security: 'sicurezza',
    guest_relations: 'assistenza ospiti',
    reservations: 'prenotazioni',
    billing: 'amministrazione',
    management: 'direzione',
  },
  pt: {
    housekeeping: 'limpeza',
    maintenance: 'manutenção',
    front_desk: 'receção',
    room_service: 'serviço de quartos',
    concierge: 'concierge',
    security: 'segurança',
    guest_relations: 'apoio ao hóspede',
    reservations: 'reservas',
    billing: 'faturação',
    management: 'direção',
  },
};

/** Singular and plural of each item. */
const ITEM_NAMES: Record<WordingLanguage, Record<Item, [string, string]>> = {
  en: {
    towel: ['towel', 'towels'],
    bath_towel: ['bath towel', 'bath towels'],
    hand_towel: ['hand towel', 'hand towels'],
    beach_towel: ['beach towel', 'beach towels'],
    bathrobe: ['bathrobe', 'bathrobes'],
    slippers: ['pair of slippers', 'pairs of slippers'],
    pillow: ['pillow', 'pillows'],
    blanket: ['blanket', 'blankets'],
    sheets: ['set of sheets', 'sets of sheets'],
    toilet_paper: ['roll of toilet paper', 'rolls of toilet paper'],
    toothbrush: ['toothbrush', 'toothbrushes'],
    toothpaste: ['toothpaste', 'toothpastes'],
    shampoo: ['shampoo', 'shampoos'],
    conditioner: ['conditioner', 'conditioners'],
    soap: ['soap', 'soaps'],
    shower_gel: ['shower gel', 'shower gels'],
    razor: ['razor', 'razors'],
    hair_dryer: ['hair dryer', 'hair dryers'],
    iron: ['iron', 'irons'],
    hangers: ['hanger', 'hangers'],
    crib: ['crib', 'cribs'],
    extra_bed: ['extra bed', 'extra beds'],
    adapter: ['adapter', 'adapters'],
    charger: ['charger', 'chargers'],
    umbrella: ['umbrella', 'umbrellas'],
    water: ['bottle of water', 'bottles of water'],
    coffee: ['coffee', 'coffees'],
    tea: ['tea', 'teas'],
    ice: ['bucket of ice', 'buckets of ice'],
    glasses: ['glass', 'glasses'],
    cutlery: ['set of cutlery', 'sets of cutlery'],
  },
  es: {
    towel: ['toalla', 'toallas'],
    bath_towel: ['toalla de baño', 'toallas de baño'],
    hand_towel: ['toalla de manos', 'toallas de manos'],
    beach_towel: ['toalla de playa', 'toallas de playa'],
    bathrobe: ['albornoz', 'albornoces'],
    slippers: ['par de zapatillas', 'pares de zapatillas'],
    pillow: ['almohada', 'almohadas'],
    blanket: ['manta', 'mantas'],
    sheets: ['juego de sábanas', 'juegos de sábanas'],
    toilet_paper: ['rollo de papel higiénico', 'rollos de papel higiénico'],
    toothbrush: ['cepillo de dientes', 'cepillos de dientes'],
    toothpaste: ['pasta de dientes', 'pastas de dientes'],
    shampoo: ['champú', 'champús'],
    conditioner: ['acondicionador', 'acondicionadores'],
    soap: ['jabón', 'jabones'],
    shower_gel: ['gel de ducha', 'geles de ducha'],
    razor: ['maquinilla de afeitar', 'maquinillas de afeitar'],
    hair_dryer: ['secador de pelo', 'secadores de pelo'],
    iron: ['plancha', 'planchas'],
    hangers: ['percha', 'perchas'],
    crib: ['cuna', 'cunas'],
    extra_bed: ['cama supletoria', 'camas supletorias'],
    adapter: ['adaptador', 'adaptadores'],
    charger: ['cargador', 'cargadores'],
    umbrella: ['paraguas', 'paraguas'],
    water: ['botella de agua', 'botellas de agua'],
    coffee: ['café', 'cafés'],
    tea: ['té', 'tés'],
    ice: ['cubitera de hielo', 'cubiteras de hielo'],
    glasses: ['vaso', 'vasos'],
    cutlery: ['juego de cubiertos', 'juegos de cubiertos'],
  },
  fr: {
    towel: ['serviette', 'serviettes'],
    bath_towel: ['serviette de bain', 'serviettes de bain'],
    hand_towel: ['serviette de toilette', 'serviettes de toilette'],
    beach_towel: ['serviette de plage', 'serviettes de plage'],
    bathrobe: ['peignoir', 'peignoirs'],
    slippers: ['paire de chaussons', 'paires de chaussons'],
    pillow: ['oreiller', 'oreillers'],
    blanket: ['couverture', 'couvertures'],
    sheets: ['jeu de draps', 'jeux de draps'],
    toilet_paper: ['rouleau de papier toilette', 'rouleaux de papier toilette'],
    toothbrush: ['brosse à dents', 'brosses à dents'],
    toothpaste: ['dentifrice', 'dentifrices'],
    shampoo: ['shampooing', 'shampooings'],
    conditioner: ['après-shampooing', 'après-shampooings'],
    soap: ['savon', 'savons'],
    shower_gel: ['gel douche', 'gels douche'],
    razor: ['rasoir', 'rasoirs'],
    hair_dryer: ['sèche-cheveux', 'sèche-cheveux'],
    iron: ['fer à repasser', 'fers à repasser'],
    hangers: ['cintre', 'cintres'],
    crib: ['lit bébé', 'lits bébé'],
    extra_bed: ['lit d’appoint', 'lits d’appoint'],
    adapter: ['adaptateur', 'adaptateurs'],
    charger: ['chargeur', 'chargeurs'],
    umbrella: ['parapluie', 'parapluies'],
    water: ['bouteille d’eau', 'bouteilles d’eau'],
    coffee: ['café', 'cafés'],
    tea: ['thé', 'thés'],
    ice: ['seau de glace', 'seaux de glace'],
    glasses: ['verre', 'verres'],
    cutlery: ['jeu de couverts', 'jeux de couverts'],
  },
  de: {
    towel: ['Handtuch', 'Handtücher'],
    bath_towel: ['Badetuch', 'Badetücher'],
    hand_towel: ['Gästehandtuch', 'Gästehandtücher'],
    beach_towel: ['Strandtuch', 'Strandtücher'],
    bathrobe: ['Bademantel', 'Bademäntel'],
    slippers: ['Paar Hausschuhe', 'Paar Hausschuhe'],
    pillow: ['Kissen', 'Kissen'],
    blanket: ['Decke', 'Decken'],
    sheets: ['Satz Bettwäsche', 'Sätze Bettwäsche'],
    toilet_paper: ['Rolle Toilettenpapier', 'Rollen Toilettenpapier'],
    toothbrush: ['Zahnbürste', 'Zahnbürsten'],
    toothpaste: ['Zahnpasta', 'Zahnpasten'],
    shampoo: ['Shampoo', 'Shampoos'],
    conditioner: ['Spülung', 'Spülungen'],
    soap: ['Seife', 'Seifen'],
    shower_gel: ['Duschgel', 'Duschgels'],
    razor: ['Rasierer', 'Rasierer'],
    hair_dryer: ['Föhn', 'Föhne'],
    iron: ['Bügeleisen', 'Bügeleisen'],
    hangers: ['Kleiderbügel', 'Kleiderbügel'],
    crib: ['Babybett', 'Babybetten'],
    extra_bed: ['Zustellbett', 'Zustellbetten'],
    adapter: ['Adapter', 'Adapter'],
    charger: ['Ladegerät', 'Ladegeräte'],
    umbrella: ['Regenschirm', 'Regenschirme'],
    water: ['Flasche Wasser', 'Flaschen Wasser'],
    coffee: ['Kaffee', 'Kaffee'],
    tea: ['Tee', 'Tee'],
    ice: ['Eiskübel', 'Eiskübel'],
    glasses: ['Glas', 'Gläser'],
    cutlery: ['Besteck', 'Bestecke'],
  },
  it: {
    towel: ['asciugamano', 'asciugamani'],
    bath_towel: ['telo bagno', 'teli bagno'],
    hand_towel: ['asciugamano per le mani', 'asciugamani per le mani'],
    beach_towel: ['telo mare', 'teli mare'],
    bathrobe: ['accappatoio', 'accappatoi'],
    slippers: ['paio di ciabatte', 'paia di ciabatte'],
    pillow: ['cuscino', 'cuscini'],
    blanket: ['coperta', 'coperte'],
    sheets: ['set di lenzuola', 'set di lenzuola'],
    toilet_paper: ['rotolo di carta igienica', 'rotoli di carta igienica'],
    toothbrush: ['spazzolino', 'spazzolini'],
    toothpaste: ['dentifricio', 'dentifrici'],
    shampoo: ['shampoo', 'shampoo'],
    conditioner: ['balsamo', 'balsami'],
    soap: ['sapone', 'saponi'],
    shower_gel: ['bagnoschiuma', 'bagnoschiuma'],
    razor: ['rasoio', 'rasoi'],
    hair_dryer: ['asciugacapelli', 'asciugacapelli'],
    iron: ['ferro da stiro', 'ferri da stiro'],
    hangers: ['gruccia', 'grucce'],
    crib: ['culla', 'culle'],
    extra_bed: ['letto aggiunto', 'letti aggiunti'],
    adapter: ['adattatore', 'adattatori'],
    charger: ['caricabatterie', 'caricabatterie'],
    umbrella: ['ombrello', 'ombrelli'],
    water: ['bottiglia d’acqua', 'bottiglie d’acqua'],
    coffee: ['caffè', 'caffè'],
    tea: ['tè', 'tè'],
    ice: ['secchiello del ghiaccio', 'secchielli del ghiaccio'],
    glasses: ['bicchiere', 'bicchieri'],
    cutlery: ['set di posate', 'set di posate'],
  },
  pt: {
    towel: ['toalha', 'toalhas'],
    bath_towel: ['toalha de banho', 'toalhas de banho'],
    hand_towel: ['toalha de mãos', 'toalhas de mãos'],
    beach_towel: ['toalha de praia', 'toalhas de praia'],
    bathrobe: ['roupão', 'roupões'],
    slippers: ['par de chinelos', 'pares de chinelos'],
    pillow: ['almofada', 'almofadas'],
    blanket: ['cobertor', 'cobertores'],
    sheets: ['jogo de lençóis', 'jogos de lençóis'],
    toilet_paper: ['rolo de papel higiénico', 'rolos de papel higiénico'],
    toothbrush: ['escova de dentes', 'escovas de dentes'],
    toothpaste: ['pasta de dentes', 'pastas de dentes'],
    shampoo: ['champô', 'champôs'],
    conditioner: ['amaciador', 'amaciadores'],
    soap: ['sabonete', 'sabonetes'],
    shower_gel: ['gel de banho', 'géis de banho'],
    razor: ['lâmina de barbear', 'lâminas de barbear'],
    hair_dryer: ['secador de cabelo', 'secadores de cabelo'],
    iron: ['ferro de engomar', 'ferros de engomar'],
    hangers: ['cabide', 'cabides'],
    crib: ['berço', 'berços'],
    extra_bed: ['cama extra', 'camas extra'],
    adapter: ['adaptador', 'adaptadores'],
    charger: ['carregador', 'carregadores'],
    umbrella: ['guarda-chuva', 'guarda-chuvas'],
    water: ['garrafa de água', 'garrafas de água'],
    coffee: ['café', 'cafés'],
    tea: ['chá', 'chás'],
    ice: ['balde de gelo', 'baldes de gelo'],
    glasses: ['copo', 'copos'],
    cutlery: ['conjunto de talheres', 'conjuntos de talheres'],
  },
};

const AND: Record<WordingLanguage, string> = { en: 'and', es: 'y', fr: 'et', de: 'und', it: 'e', pt: 'e' };

export const hasWording = (language: string): language is WordingLanguage =>
  (WORDING_LANGUAGES as readonly string[]).includes(language);

/** A line in a language, placeholders filled; an override (from the policy) wins. */
export function line(
  language: WordingLanguage,
  key: LineKey,
  values: Record<string, string> = {},
  override?: string,
): string {
  const template = override ?? LINES[language][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export const departmentName = (language: WordingLanguage, department: Department): string =>
  DEPARTMENTS[language][department];

/** "2 towels and 1 pillow" in the language. */
export function itemList(language: WordingLanguage, items: { item: Item; quantity: number }[]): string {
  const parts = items.map(({ item, quantity }) => {
    const [one, many] = ITEM_NAMES[language][item];
    return `${quantity} ${quantity === 1 ? one : many}`;
  });
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} ${AND[language]} ${parts[parts.length - 1]}`;
}
