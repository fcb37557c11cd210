export { TeamService } from './team.service.js';
export { teamRoutes } from './team.routes.js';
