import type { Choice } from '../core/message.js';
import { foldVietnamese } from '../core/fold.js';

/** Drops what people (and labels) put around a choice: "2.", "(2)", "số 2", "chọn: Hỏi đáp!", emoji. */
export function foldAnswer(text: string): string {
  return foldVietnamese(text.replace(/[^\p{L}\p{M}\p{N}\s]/gu, ' '))
    .replace(/^(chon|so|lua chon|option|choose|number)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Short answers that mean yes or no ("có", "ok", "không"...), folded; from the locales, every language. */
export interface AnswerWords {
  yes: readonly string[];
  no: readonly string[];
}

const startsWithWords = (label: string, words: string) => label === words || label.startsWith(`${words} `);

/**
 * A choice is taken by its value (a button), by its number in the list ("2"), or by its label typed
 * with or without diacritics and in any case. Failing that, by the first words of exactly one label
 * ("xong" for "Xong (1 nơi đã chọn)"), or by a plain yes or no for the one choice whose label says
 * so ("ok" for "Có, nhận tin"). A question that merely contains a label's words is not a choice.
 */
export function matchChoice(
  choices: readonly Choice[],
  input: { choice?: string; text?: string },
  altLabels?: ReadonlyMap<string, string[]>,
  words?: AnswerWords,
): Choice | undefined {
  if (input.choice !== undefined) return choices.find((c) => c.value === input.choice);
  const raw = input.text?.trim();
  if (!raw) return undefined;
  const typed = foldAnswer(raw);
  if (/^\d{1,2}$/.test(typed)) return choices[Number(typed) - 1];
  if (!typed) return undefined;
  const labels = new Map(choices.map((c) => [c, [c.label, ...(altLabels?.get(c.value) ?? [])].map(foldAnswer)]));
  const exact = choices.find((c) => foldVietnamese(c.value) === typed || labels.get(c)?.includes(typed));
  if (exact) return exact;
  const only = (test: (label: string) => boolean) => {
    const hits = choices.filter((c) => labels.get(c)?.some(test));
    return hits.length === 1 ? hits[0] : undefined;
  };
  const prefixed = typed.length >= 2 ? only((label) => label.startsWith(`${typed} `)) : undefined;
  if (prefixed || !words) return prefixed;
  for (const [value, list] of [['yes', words.yes], ['no', words.no]] as const) {
    if (!list.includes(typed)) continue;
    return choices.find((c) => c.value === value) ?? only((label) => list.some((w) => startsWithWords(label, w)));
  }
  return undefined;
}
