import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `word` when it is near enough to be a typo of it (at most a third of
 * its letters differ, at least one), else null.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  if (list.length === 0 || word.length === 0) return null;
  const best = closest(word, list);
  return distance(word.toLowerCase(), best.toLowerCase()) <= Math.max(1, Math.floor(word.length / 3)) ? best : null;
}

/** ` (did you mean \`x\`?)`, or nothing when no candidate is near. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const m = didYouMean(word, candidates);
  return m ? ` (did you mean \`${m}\`?)` : '';
}
