import { fold } from '../core/fold.js';
import { wordsOf } from './words.js';

/** The folded words of a text, for comparing short phrases. */
export const foldedWords = (text: string): string[] => wordsOf(fold(text));
