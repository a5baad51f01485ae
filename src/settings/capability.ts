import { z } from 'zod';
import type { Capability } from '../app/app.js';
import { FlowData } from '../engine/flow-data.js';
import { languageSchema } from '../i18n/index.js';

/** What flows/settings.yaml collects: the language chosen, and whether proactive messages stop or resume. */
const settingsData = new FlowData('settings', z.object({ lang: languageSchema.optional(), notify: z.enum(['stop', 'resume']).optional() }), ['settings']);

export const settings: Capability = {
  name: 'settings',
  register(app) {
    app.registry.data(settingsData).action('settings.setLang', async (turn) => {
      const { lang } = settingsData.read(turn);
      if (lang) turn.lang = lang;
      settingsData.clear(turn);
    });
  },
};
