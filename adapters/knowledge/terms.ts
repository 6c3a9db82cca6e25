import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';

// Small stop lists: words that match everything and decide nothing (English and Portuguese).
const STOP = new Set(
  (
    'a an and are as at be but by can do does did for from has have how i if in into is it its me my no not of on or ' +
    'our so than that the their them then there these they this to was we were what when where which who why will ' +
    'with you your yours us am been being would could should shall may might must about any all also just ' +
    'o os as um uma uns umas e é de do da dos das no na nos nas em por para com sem que se ao aos à às ou mas ' +
    'meu minha meus minhas seu sua seus suas vocês você eu nós ele ela eles elas isso isto esse essa este esta ' +
    'qual quais quando onde como porque há tem têm ser são foi está estão vai vão'
  ).split(' '),
);

/** Lower case without accents, so "entregações" and "entregacoes" meet. */
const fold = (word: string): string =>
  word
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * One token to its index terms: stop words dropped, then the English and the Portuguese Snowball stems (both,
 * since a shop's documents and questions mix the two and a wrong-language stem only adds a term that matches
 * nothing), accents folded after stemming (the stemmers know the accented suffixes).
 */
export function indexTerms(token: string): string[] | null {
  const cached = cache.get(token);
  if (cached !== undefined) return cached;
  const terms = computeTerms(token);
  // Words follow Zipf's law: a bounded memo saves most stemmer calls; cleared, not evicted one by one, when full.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(token, terms);
  return terms;
}

const CACHE_LIMIT = 100_000;
const cache = new Map<string, string[] | null>();

function computeTerms(token: string): string[] | null {
  const lower = token.toLowerCase();
  if (lower.length < 2 && !/\d/.test(lower)) return null;
  if (STOP.has(lower)) return null;
  if (/^\d/.test(lower)) return [lower];
  const en = fold(english(lower));
  const pt = fold(portuguese(lower));
  return en === pt ? [en] : [en, pt];
}
