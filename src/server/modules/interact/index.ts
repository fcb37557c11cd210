export { InteractService, TOOL_MESSAGES, type ToolMessage } from './interact.service.js';
export { interactRoutes } from './interact.routes.js';
export type { InteractDeps, Participant, ToolOutcome } from './interact.deps.js';
