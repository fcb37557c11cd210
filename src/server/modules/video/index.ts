export { INGEST_APP, VideoService } from './video.service.js';
export { RtmpIngest } from './rtmp-ingest.js';
export { videoRoutes } from './video.routes.js';
