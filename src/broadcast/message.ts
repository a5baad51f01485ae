import type { App } from '../app/app.js';
import { vnDate } from '../core/clock.js';
import type { Reply } from '../core/message.js';
import type { Language } from '../i18n/index.js';
import type { Audience, Spec } from './campaigns.js';

/** The choice every broadcast carries: its value is the global command, so it works at any step. */
export const STOP_VALUE = '/stop';

/** "Phường Tô Hiệu, Phường Chiềng An"; "cả nước" when the areas are every province. */
export function areaNames(app: App, lang: Language, areas: Audience['areas']): string {
  const roots = app.areas.roots().map((a) => a.id);
  if (roots.length > 1 && roots.every((r) => areas.includes(r))) return app.i18n.t(lang, 'broadcast.everywhere');
  return areas.map((id) => app.areas.get(id)?.name ?? id).join(', ');
}

/**
 * The message exactly as a recipient reading `lang` gets it: the organiser's words (or a template in
 * the recipient's language), the optional link, and the "Dừng nhận tin" button. The preview uses it too.
 */
export function renderBroadcast(app: App, lang: Language, spec: Pick<Spec, 'content' | 'audience' | 'at'>): Reply {
  const t = app.i18n.for(lang);
  const { content } = spec;
  const text = content.template
    ? t(`broadcast.template.${content.template}.text`, { area: areaNames(app, lang, spec.audience.areas), year: vnDate(new Date(spec.at)).slice(0, 4) })
    : (content.text as string);
  return {
    text,
    ...(content.link ? { link: { label: t('broadcast.link_label'), url: content.link } } : {}),
    choices: [{ label: t('broadcast.stop_button'), value: STOP_VALUE }],
  };
}
