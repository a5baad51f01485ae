import type { Choice } from '../core/message.js';
import { foldVietnamese } from '../core/fold.js';

/** Drops what people (and labels) put around a choice: "2.", "(2)", "số 2", "chọn: Hỏi đáp!", emoji. */
function clean(text: string): string {
  return foldVietnamese(text.replace(/[^\p{L}\p{M}\p{N}\s]/gu, ' '))
    .replace(/^(chon|so|lua chon|option|choose|number)\s+/, '')
    .trim();
}

/**
 * A choice is taken by its value (a button), by its number in the list ("2"), or by its label typed
 * with or without diacritics and in any case. Labels are compared whole: a question that merely
 * contains a label's words is not a choice.
 */
export function matchChoice(choices: readonly Choice[], input: { choice?: string; text?: string }, altLabels?: ReadonlyMap<string, string[]>): Choice | undefined {
  if (input.choice !== undefined) return choices.find((c) => c.value === input.choice);
  const raw = input.text?.trim();
  if (!raw) return undefined;
  const typed = clean(raw);
  if (/^\d{1,2}$/.test(typed)) return choices[Number(typed) - 1];
  return choices.find(
    (c) =>
      clean(c.label) === typed ||
      foldVietnamese(c.value) === typed ||
      (altLabels?.get(c.value) ?? []).some((l) => clean(l) === typed),
  );
}
