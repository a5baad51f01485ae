import type { Capability } from '../app/app.js';
import { foldVietnamese } from '../core/fold.js';
import { LANGUAGES, languageSchema, type Language } from '../i18n/index.js';
import type { Turn } from './turn.js';

/** Languages by the names people type after /lang, besides their codes. */
const LANGUAGE_NAMES: Record<string, Language> = { 'tieng viet': 'vi', viet: 'vi', vietnamese: 'vi', 'tieng anh': 'en', anh: 'en', english: 'en' };

/** A command that only says something and asks the waiting question again. */
function sayAndReprompt(key: string) {
  return async (turn: Turn) => {
    turn.say(key);
    return { reprompt: true } as const;
  };
}

/** Drops what the flows were collecting; the language stays. */
function clearFlowData(turn: Turn): void {
  turn.session.data = {};
}

/** The commands that work at every step: /start, /menu, /help, /cancel, /lang, and unknown ones. */
export const navigation: Capability = {
  name: 'navigation',
  register(app) {
    // Where /start, /menu and /cancel lead is written in flows/menu.yaml (`commands:`).
    app.registry
      .command({
        name: 'start',
        outcomes: ['restarted'],
        async run(turn) {
          clearFlowData(turn);
          return 'restarted';
        },
      })
      .command({
        name: 'menu',
        aliases: ['menu', 'trở về', 'về menu', 'quay lại menu', 'main menu', 'quay lại', 'thoát'],
        outcomes: ['home'],
        async run(turn) {
          clearFlowData(turn);
          return 'home';
        },
      })
      .command({
        name: 'help',
        aliases: ['trợ giúp', 'giúp', 'help'],
        run: sayAndReprompt('common.help'),
      })
      .command({
        name: 'cancel',
        aliases: ['hủy', 'huỷ', 'hủy bỏ', 'cancel'],
        outcomes: ['home'],
        async run(turn) {
          const { flow, step } = app.engine.opts.home;
          const idle = turn.session.flow === flow && turn.session.step === step;
          turn.say(idle ? 'common.nothing_to_cancel' : 'common.cancelled');
          clearFlowData(turn);
          return 'home';
        },
      })
      .command({
        name: 'lang',
        async run(turn, args) {
          const typed = foldVietnamese(args);
          // "/lang" alone switches to the other language.
          const next = typed ? (languageSchema.safeParse(typed).data ?? LANGUAGE_NAMES[typed]) : LANGUAGES.find((l) => l !== turn.lang);
          if (!next) {
            turn.say('common.lang_unknown', { given: args.slice(0, 20) });
            return { reprompt: true } as const;
          }
          turn.lang = next;
          turn.say('common.lang_set');
          return { reprompt: true } as const;
        },
      })
      // Courtesies get a courteous word, not a search of the plans that finds nothing.
      .command({
        name: 'thanks',
        aliases: ['cảm ơn', 'cám ơn', 'cảm ơn bạn', 'cảm ơn nhiều', 'cảm ơn nhé', 'thanks', 'thank you'],
        run: sayAndReprompt('common.you_are_welcome'),
      })
      .command({
        name: 'hello',
        aliases: ['xin chào', 'chào', 'chào bạn', 'chào em', 'alo', 'hello', 'hi'],
        run: sayAndReprompt('common.hello_again'),
      })
      .command({
        name: 'unknown',
        run: sayAndReprompt('common.unknown_command'),
      });
  },
};
