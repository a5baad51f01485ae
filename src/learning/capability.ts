import { join } from 'node:path';
import type { Capability } from '../app/app.js';
import { LANGUAGES } from '../i18n/index.js';
import { OUTBOUND } from '../outbound/capability.js';
import { registerActivities } from './activities.js';
import { registerFiguresPages } from '../console/figures/pages.js';
import { registerReviewDesk } from '../console/review-desk/pages.js';
import { registerConsent } from './consent.js';
import type { LearningContext } from './context.js';
import { Criteria } from './criteria.js';
import { exportCommand } from './export.js';
import { repairFiguresCommand } from './figures-repair.js';
import { registerHub } from './hub.js';
import { evidenceInput, indicatorsInput, scoresInput } from './inputs.js';
import { learningData } from './privacy.js';
import { registerRegistration } from './registration.js';
import { registerReview } from './review.js';
import { registerScoring } from './scoring.js';
import { statsCommand } from './stats.js';
import { LearningStore } from './store.js';

/**
 * "Công dân học tập": consent, registration, the activity log with evidence, self-score, submission,
 * officers' review, data rights, exports and statistics. The rules come from data/criteria.yaml.
 */
export const learning: Capability = {
  name: 'learning',
  // Review decisions reach the person through the outbound queue.
  needs: [OUTBOUND],
  register(app) {
    const criteria = Criteria.load(join(app.dirs.data, 'criteria.yaml'), app.areas);
    const missing = criteria.labelKeys().flatMap((key) => LANGUAGES.filter((l) => !app.i18n.exists(key, l)).map((l) => `${key} (${l})`));
    if (missing.length) throw new Error(`data/criteria.yaml names things without a label in locales: ${missing.join(', ')}`);
    const ctx: LearningContext = { app, store: new LearningStore(app.redis, app.prefix, app.clock, app.log, app.areas), criteria };

    app.registry.inputKind('evidence', evidenceInput).inputKind('indicators', indicatorsInput(criteria)).inputKind('scores', scoresInput(criteria));
    registerConsent(ctx);
    registerHub(ctx);
    registerRegistration(ctx);
    registerActivities(ctx);
    registerScoring(ctx);
    registerReview(ctx);
    registerFiguresPages(ctx);
    registerReviewDesk(ctx);
    app.privacy.add(learningData(ctx));
    app.admin.add(exportCommand(ctx));
    app.admin.add(statsCommand(ctx));
    app.admin.add(repairFiguresCommand(ctx));
  },
};
