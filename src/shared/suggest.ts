import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `word` when it is near enough to be a typo of it, else null: one edit
 * for words of up to 3 letters, else two (a swap) or a third of its letters, whichever is more.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  if (list.length === 0 || word.length === 0) return null;
  const best = closest(word, list);
  // one edit for short words; longer ones may have two (a swap of two letters) or a third of their letters
  const max = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= max ? best : null;
}

/** ` (did you mean \`x\`?)`, or nothing when no candidate is near. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const m = didYouMean(word, candidates);
  return m ? ` (did you mean \`${m}\`?)` : '';
}
