import type { Capability } from '../app/app.js';
import type { Intent } from '../engine/flow-schema.js';
import type { ActionResult } from '../engine/registry.js';
import type { Turn } from '../engine/turn.js';
import { createAnalyser } from '../knowledge/analyse.js';
import { loadLexicon, perLanguage, type Lexicon } from '../knowledge/lexicon.js';
import { IntentMatcher, type IntentExamples, type MatchOptions } from './matcher.js';

/** Where a part asked for in words waits while its flow asks for consent or registration first. */
const PART = 'intent_part';

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

    const route = async (turn: Turn): Promise<ActionResult> => {
      delete turn.data[PART];
      const found = matcher().match(turn.text);
      if (!found) return undefined;
      const { intent } = found;
      app.log.debug({ intent: intent.id, score: Math.round(found.score * 100) / 100 }, 'typed request');
      if (intent.goto) {
        if (intent.part) turn.data[PART] = `${intent.goto.split('.')[0]}.${intent.part}`;
        return { goto: intent.goto };
      }
      const [name = '', ...args] = (intent.command as string).split(' ');
      const command = app.registry.commands.get(name);
      if (!command) return undefined;
      const result = await command.run(turn, args.join(' '));
      // "reprompt": ask again what was waiting when the request was typed (the menu, or Q&A's next step).
      return { goto: result?.goto ?? `${turn.session.flow}.${turn.session.step}` };
    };

    app.registry
      .action('intents.route', route)
      .action('intents.resume', async (turn) => {
        const part = turn.data[PART];
        delete turn.data[PART];
        if (typeof part !== 'string') return undefined;
        // Kept in a session across a release that may have renamed the step: then the flow's own menu.
        const [flow = '', step = ''] = part.split('.');
        return app.engine.flows.get(flow)?.steps[step] ? { goto: part } : undefined;
      })
      .action('intents.forget', async (turn) => {
        delete turn.data[PART];
      });
  },
};
