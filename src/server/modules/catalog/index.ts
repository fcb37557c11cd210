export { CatalogService, type SkuSnapshot } from './catalog.service.js';
export { ShelfService } from './shelf.service.js';
export { catalogRoutes, shelfRoutes } from './catalog.routes.js';
