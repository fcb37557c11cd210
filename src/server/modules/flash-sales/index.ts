export { FlashSalesService } from './flash-sales.service.js';
export { GRABS_PER_SECOND, flashSaleRoutes } from './flash-sales.routes.js';
export { GrabFastPath } from './grab-fast-path.js';
export { MemoryFlashGate } from './flash-gate.memory.js';
export { RedisFlashGate } from './flash-gate.redis.js';
export type { FlashGate } from './flash-gate.port.js';
