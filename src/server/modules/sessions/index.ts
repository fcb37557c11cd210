export { SessionsService } from './sessions.service.js';
export { sessionRoutes } from './sessions.routes.js';
