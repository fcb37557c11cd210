export { ViewersService } from './viewers.service.js';
export { viewerRoutes } from './viewers.routes.js';
export { simulationRoutes } from './simulation.routes.js';
