import { allWords } from './entity-lexicon';
import { alternation } from './entity-text';

/** Words before an hour in any language ("at", "a las", "um", "alle", "às"). */
export const TIME_CUE_SOURCE = alternation(allWords('timeCues'));
/** Words after an hour or a duration: "o clock", "uhr", "horas", "hours", "h". */
export const HOUR_DURATION_WORDS = alternation([...allWords('hourDurations'), ...allWords('hourUnits')]);
