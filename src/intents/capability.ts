import { z } from 'zod';
import type { Capability } from '../app/app.js';
import { FlowData } from '../engine/flow-data.js';
import type { Intent } from '../engine/flow-schema.js';
import type { ActionResult } from '../engine/registry.js';
import type { Turn } from '../engine/turn.js';
import { createAnalyser } from '../knowledge/analyse.js';
import { loadLexicon, perLanguage, type Lexicon } from '../knowledge/lexicon.js';
import { IntentMatcher, type IntentExamples, type MatchOptions } from './matcher.js';

/**
 * The request whose part waits while its flow asks for consent or registration first (its intent id). Set at
 * the menu and read in the part's flow, so it belongs to no one flow.
 */
const waiting = new FlowData('intent', z.object({ part: z.string().optional() }), []);

/** Every flow's intents, with the flow they belong to. */
export function intentsOf(flows: ReadonlyMap<string, { intents?: Intent[] }>): IntentExamples<Intent>[] {
  return [...flows.values()].flatMap((flow) =>
    (flow.intents ?? []).map((intent) => ({
      intent,
      // Parts of one flow ("learning" and its "log") are one destination to tell apart from the others.
      group: intent.goto?.split('.')[0] ?? `/${intent.command}`,
      plain: intent.goto !== undefined && !intent.part && !intent.goto.includes('.'),
      examples: { vi: intent.vi, en: intent.en },
    })),
  );
}

/** The matcher over these flows' intents, analysing like Q&A does (plans/lexicon.yaml). */
export function buildMatcher(flows: ReadonlyMap<string, { intents?: Intent[] }>, lexicon: Lexicon, options?: MatchOptions): IntentMatcher<Intent> {
  const vocabulary = {
    domainTerms: lexicon.domainTerms,
    askPhrases: perLanguage((lang) => [...lexicon.stopPhrases[lang].values()].flat().map((p) => p.words.join(' '))),
  };
  return new IntentMatcher(intentsOf(flows), createAnalyser(lexicon), vocabulary, options);
}

/**
 * Requests typed at the menu ("thôi đừng nhắn nữa", "xoa du lieu cua toi") go where their button or
 * command goes; the rest stays a question for Q&A.
 */
export const intents: Capability = {
  name: 'intents',
  register(app) {
    let built: IntentMatcher<Intent> | undefined;
    const matcher = (): IntentMatcher<Intent> => (built ??= buildMatcher(app.engine.flows, loadLexicon(app.dirs.plans)));
    app.onStart(() => void matcher());

    // The engine follows a matched request where its flow's YAML says (a flow, a part of one, or a command).
    const route = async (turn: Turn): Promise<ActionResult> => {
      waiting.clear(turn);
      const found = matcher().match(turn.text);
      if (!found) return undefined;
      const { intent } = found;
      app.log.debug({ intent: intent.id, score: Math.round(found.score * 100) / 100 }, 'typed request');
      if (intent.part) waiting.write(turn, { part: intent.id });
      return { intent };
    };

    app.registry
      .action('intents.route', [], route)
      .action('intents.resume', [], async (turn) => {
        const id = waiting.read(turn).part;
        waiting.clear(turn);
        const intent = intentsOf(app.engine.flows).find((i) => i.intent.id === id)?.intent;
        return intent?.part ? { intent, part: true } : undefined;
      })
      .action('intents.forget', async (turn) => waiting.clear(turn));
  },
};
