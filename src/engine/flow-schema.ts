import { z } from 'zod';

export const ROLES = ['citizen', 'officer', 'organiser', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id of a-z, 0-9 and _ starting with a letter');
/** "namespace.key[.sub]": the namespace is the locale file name. */
export const i18nKeySchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'a locale key like "menu.prompt"');
/** "flow" or "flow.step". */
export const flowRefSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'a flow id, or "flow.step"');
/** A named TypeScript action, validator or choice provider: "capability.name". */
export const handlerNameSchema = z.string().regex(/^[a-z][a-z0-9_]*\.[a-zA-Z][a-zA-Z0-9_]*$/, 'a name like "learning.saveActivity"');
const dataPathSchema = z.string().regex(/^\$?[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)*$/, 'a dotted path like "activity.hours"');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export type Condition =
  | { var: string; eq?: unknown; ne?: unknown; in?: unknown[]; gt?: number; gte?: number; lt?: number; lte?: number; exists?: boolean }
  | { role: Role | Role[] }
  | { chat: 'private' | 'group' }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z
      .object({
        var: dataPathSchema,
        eq: scalar.optional(),
        ne: scalar.optional(),
        in: z.array(scalar).optional(),
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
        exists: z.boolean().optional(),
      })
      .strict(),
    z.object({ role: z.union([roleSchema, z.array(roleSchema).min(1)]) }).strict(),
    z.object({ chat: z.enum(['private', 'group']) }).strict(),
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

/** Where to go: a step of this flow, another flow (or one of its steps), or the end of the conversation. */
export const targetSchema = z
  .object({ next: idSchema.optional(), goto: flowRefSchema.optional(), end: z.literal(true).optional() })
  .strict()
  .refine((t) => [t.next, t.goto, t.end].filter((x) => x !== undefined).length === 1, 'exactly one of next, goto, end');
export type Target = z.infer<typeof targetSchema>;

/** In `on:` and `commands:`, a bare step id is short for `{ next: <step> }`. */
export const routeSchema = z.union([idSchema.transform((next): Target => ({ next })), targetSchema]);
/** Where each chosen value or outcome leads. */
export const routesSchema = z.record(z.string(), routeSchema);

export const choiceItemSchema = z.union([
  idSchema,
  z.object({ value: z.string().min(1).max(64), label: i18nKeySchema.optional(), if: conditionSchema.optional() }).strict(),
]);
export type ChoiceItem = z.infer<typeof choiceItemSchema>;

export const choicesSpecSchema = z.union([
  z.array(choiceItemSchema).min(1),
  z.object({ from: handlerNameSchema }).strict(),
]);

/** Options are checked against the input kind's own schema when the flow is loaded. */
export const inputSpecSchema = z.looseObject({ type: idSchema });

const keyOrKeys = z.union([i18nKeySchema, z.array(i18nKeySchema).min(1)]);

export const stepSchema = z
  .object({
    /** Roles allowed to enter this step (admins always are). */
    requires: z.array(roleSchema).min(1).optional(),
    /** Runs first; an outcome it returns is routed by `on`, none lets the step go on. */
    action: handlerNameSchema.optional(),
    say: keyOrKeys.optional(),
    ask: i18nKeySchema.optional(),
    input: inputSpecSchema.optional(),
    choices: choicesSpecSchema.optional(),
    /** Checks a parsed answer further (e.g. against stored records). */
    validate: handlerNameSchema.optional(),
    invalid: i18nKeySchema.optional(),
    save: dataPathSchema.optional(),
    /** Where an answer that matches no choice goes instead of being refused. */
    otherwise: targetSchema.optional(),
    /** Per chosen value, and per outcome of the action. */
    on: routesSchema.optional(),
    branch: z.array(z.intersection(z.object({ if: conditionSchema }), targetSchema)).min(1).optional(),
    next: idSchema.optional(),
    goto: flowRefSchema.optional(),
    end: z.literal(true).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const exits = [s.next, s.goto, s.end].filter((x) => x !== undefined).length;
    if (exits > 1) ctx.addIssue({ code: 'custom', message: 'give only one of next, goto, end' });
    if (!s.ask && (s.input || s.choices || s.save || s.invalid || s.otherwise || s.validate))
      ctx.addIssue({ code: 'custom', message: 'input, choices, save, invalid, otherwise and validate belong to an ask step' });
    if (s.ask && !s.input && !s.choices) ctx.addIssue({ code: 'custom', message: 'an ask step needs input or choices' });
    if (s.on && !s.action && (!s.choices || !Array.isArray(s.choices)))
      ctx.addIssue({ code: 'custom', message: '"on" needs an action or a fixed list of choices' });
    if (!s.action && exits === 0 && !s.on && !s.branch)
      ctx.addIssue({ code: 'custom', message: 'the step leads nowhere: add next, goto, end, on or branch' });
  });
export type Step = z.infer<typeof stepSchema>;

/** A global command and its arguments, as typed after the slash: "deletedata", "lang en". */
const commandLineSchema = z.string().regex(/^[a-z_]+( [a-z0-9_-]+)*$/, 'a command as typed after "/", like "lang en"');
const phrasesSchema = z.array(z.string().trim().min(1).max(200)).min(1);

/**
 * A request people type instead of pressing a button or typing a command ("xóa dữ liệu của tôi"): where
 * it leads, and example wordings in each language, matched with the Q&A analyser (src/intents).
 */
export const intentSchema = z
  .object({
    id: idSchema,
    /** Runs this global command, as if typed. */
    command: commandLineSchema.optional(),
    /** Or goes to this flow or "flow.step". */
    goto: flowRefSchema.optional(),
    /** A step of the target flow to resume at once the flow is ready for it (consent, registration): see intents.resume. */
    part: idSchema.optional(),
    vi: phrasesSchema,
    en: phrasesSchema,
  })
  .strict()
  .refine((i) => (i.command === undefined) !== (i.goto === undefined), 'exactly one of command, goto')
  .refine((i) => i.part === undefined || i.goto !== undefined, '"part" needs goto');
export type Intent = z.infer<typeof intentSchema>;

export const flowSchema = z
  .object({
    id: idSchema,
    /** Roles allowed into the flow at all (admins always are). */
    requires: z.array(roleSchema).min(1).optional(),
    /** Collects personal data: runs in private chats only. */
    personal: z.boolean().default(false),
    start: idSchema,
    steps: z.record(idSchema, stepSchema),
    /** Requests typed at the menu that lead into this flow (or to a command kept beside it). */
    intents: z.array(intentSchema).min(1).optional(),
    /** Where the outcomes of global commands lead ("/mydata": `mydata: { show: show }`), each routed by one flow. */
    commands: z.record(idSchema, routesSchema).optional(),
  })
  .strict();
export type Flow = z.infer<typeof flowSchema>;
