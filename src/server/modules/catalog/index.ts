export { CatalogService, type SkuSnapshot } from './catalog.service.js';
export { catalogRoutes } from './catalog.routes.js';
