export { INGEST_APP, VideoService } from './video.service.js';
export { RtmpIngest } from './rtmp-ingest.js';
export { videoRoutes } from './video.routes.js';
export { PreflightService } from './preflight.service.js';
export { preflightRoutes } from './preflight.routes.js';
export { probeFfmpeg, FfmpegProcess, type FfmpegAvailability } from './ffmpeg/ffmpeg-process.js';
export type { PublishInfo, PublishListener, StreamPosition } from './video.service.js';
export { stampPictureEvent } from './picture-stamp.js';
