// The parser lives in contracts/ (the web app builds the same sources for its beacons).
export { SOURCE_PARAMS, sourceFromParams, sourceParamsOf } from '../../../../contracts/traffic-source-params.js';
