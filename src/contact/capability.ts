import type { Capability } from '../app/app.js';
import type { Area } from '../areas/areas.js';

/** "Phường Tô Hiệu" → "phường Tô Hiệu", as it reads after "Hội Khuyến học". */
const inSentence = (name: string): string => name.charAt(0).toLocaleLowerCase('vi') + name.slice(1);

/**
 * Talking to a person. A question goes to officers from Q&A (src/questions); this says so, and whom to contact: the Hội
 * Khuyến học and the People's Committee of the person's commune, named when the bot knows it (from
 * registration or the news sign-up).
 */
export const contact: Capability = {
  name: 'contact',
  register(app) {
    const placeOf = async (user: string): Promise<{ area: Area; province?: Area } | undefined> => {
      const id = (await app.users.get(user))?.area;
      const area = id ? app.areas.get(id) : undefined;
      if (!area) return undefined;
      const province = area.parent ? app.areas.get(area.parent) : undefined;
      return { area, province };
    };

    app.registry.action('contact.show', async (turn) => {
      const place = await placeOf(turn.user);
      if (!place) {
        turn.say('contact.unknown_area');
        return;
      }
      const { area, province } = place;
      turn.say(province ? 'contact.known_commune' : 'contact.known_area', {
        area: turn.lang === 'vi' ? inSentence(area.name) : area.name,
        province: province ? (turn.lang === 'vi' ? inSentence(province.name) : province.name) : '',
      });
    });
  },
};
