import type { Language } from '../i18n/index.js';
import { fold, wordsOf } from './fold.js';

/**
 * Which language a question is written in. Any Vietnamese mark settles it; unaccented text goes to the
 * language whose vocabulary (its documents' words and its stop words) knows more of the question's words,
 * so "muc tieu xoa mu chu" stays Vietnamese and "How do I register?" is English.
 */
export function detectLanguage(question: string, knows: Record<Language, (word: string) => boolean>): Language {
  if (fold(question) !== question.toLowerCase()) return 'vi';
  const words = wordsOf(question.toLowerCase());
  const count = (lng: Language): number => words.filter((w) => knows[lng](w)).length;
  return count('en') > count('vi') ? 'en' : 'vi';
}
