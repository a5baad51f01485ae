import type { Language } from '../i18n/index.js';
import { fold } from '../core/fold.js';
import { wordsOf } from './words.js';

/**
 * Which language a question is written in: the one whose vocabulary (its documents' words and its stop
 * words) knows more of the question's unaccented words, Vietnamese on a tie. Accented words are left
 * out of the count because English questions quote Vietnamese names ("What is Công dân học tập?"),
 * and a question with nothing but accented words is Vietnamese anyway. So "muc tieu xoa mu chu" stays
 * Vietnamese and "How do I register?" is English.
 */
export function detectLanguage(question: string, knows: Record<Language, (word: string) => boolean>): Language {
  const plain = wordsOf(question.toLowerCase()).filter((w) => fold(w) === w);
  const count = (lng: Language): number => plain.filter((w) => knows[lng](w)).length;
  return count('en') > count('vi') ? 'en' : 'vi';
}
