export { FlashSalesService } from './flash-sales.service.js';
export { flashSaleRoutes } from './flash-sales.routes.js';
export { MemoryFlashGate } from './flash-gate.memory.js';
export { RedisFlashGate } from './flash-gate.redis.js';
export type { FlashGate } from './flash-gate.port.js';
