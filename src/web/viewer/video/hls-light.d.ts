// hls.js ships types for its full build only; the light build is the same class with fewer features.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
