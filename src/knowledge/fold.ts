import { fold } from '../core/fold.js';
import { wordsOf } from './words.js';

/** The folded words of a text, for comparing short phrases. */
export const foldedWords = (text: string): string[] => wordsOf(fold(text));

/** A word as typed, in one case and one Unicode form: for telling "về" from "vé", which fold alike. */
export const writtenForm = (word: string): string => word.toLowerCase().normalize('NFC');
