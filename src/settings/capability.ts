import type { Capability } from '../app/app.js';
import { languageSchema } from '../i18n/index.js';

export const settings: Capability = {
  name: 'settings',
  register(app) {
    app.registry.action('settings.setLang', async (turn) => {
      const lang = languageSchema.safeParse(turn.data.chosen_lang);
      if (lang.success) turn.lang = lang.data;
      delete turn.data.chosen_lang;
    });
  },
};
