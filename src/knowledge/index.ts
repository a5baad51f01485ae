/**
 * Q&A over the plan documents in plans/. Load once at start-up; `answer` is the chat reply to a
 * question, `search` pages through further passages for "more passages".
 */
export {
  loadKnowledgeBase,
  QUESTION_MAX,
  type Answer,
  type Hit,
  type KnowledgeBase,
  type LoadOptions,
  type SearchOptions,
  type SearchPage,
  type Source,
} from './knowledge-base.js';
export type { DocumentMeta, PlanDocument } from './corpus.js';
