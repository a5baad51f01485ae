import type { LearningContext } from './context.js';

/**
 * Who may review which files. An officer's invite names an area and optionally a unit: the officer
 * reviews the files of that area and of every area inside it (an officer of a province covers its
 * communes), provided the unit that recognises the title there (data/criteria.yaml, `recognition`) is
 * their unit, or they were invited without one. Admins review everywhere.
 */
export type ReviewScope = { admin: true } | { admin: false; area: string; unit?: string };

export type ReviewCheck = 'ok' | 'outside_area' | 'wrong_unit';

export async function reviewScope(ctx: LearningContext, user: string): Promise<ReviewScope | undefined> {
  const grant = await ctx.app.roles.grantOf(user, 'officer');
  if (grant) return { admin: false, area: grant.area, ...(grant.unit ? { unit: grant.unit } : {}) };
  return ctx.app.roles.isAdmin(user) ? { admin: true } : undefined;
}

export function mayReview(ctx: Pick<LearningContext, 'app' | 'criteria'>, scope: ReviewScope, fileArea: string): ReviewCheck {
  if (scope.admin) return 'ok';
  if (!ctx.app.areas.isWithin(fileArea, scope.area)) return 'outside_area';
  if (scope.unit && scope.unit !== ctx.criteria.reviewerUnit(fileArea, ctx.app.areas)) return 'wrong_unit';
  return 'ok';
}

/** The areas whose files the scope may review: every area for admins, else the officer's subtree. */
export function reviewableAreas(ctx: Pick<LearningContext, 'app' | 'criteria'>, scope: ReviewScope): string[] {
  const { areas } = ctx.app;
  const all = scope.admin ? areas.roots().flatMap((r) => areas.subtree(r.id)) : areas.subtree(scope.area);
  return all.map((a) => a.id).filter((id) => mayReview(ctx, scope, id) === 'ok');
}

/** Officers to tell about someone's new file: those of its area and of the areas above who may review it, not its owner. */
export async function reviewersOf(ctx: LearningContext, area: string, owner: string): Promise<string[]> {
  const { areas, roles } = ctx.app;
  const found = new Set<string>();
  for (const cur of areas.lineage(area))
    for (const user of await roles.holders('officer', cur)) {
      const scope = await reviewScope(ctx, user);
      if (user !== owner && scope && mayReview(ctx, scope, area) === 'ok') found.add(user);
    }
  return [...found];
}
