import type { PercentileBands } from '../../../../server/modules/analytics/core/percentiles';
import { placeOnBand } from './compare-format';

/**
 * The brand's past sessions as a small bar: the p10-p90 band, the p25-p75 band darker, a tick at the
 * median, and this session's value as a dot (at the edge, ringed, when it lies outside the range).
 */
export function BandBar({ value, bands, label }: { value: number | null; bands: PercentileBands | null; label: string }) {
  const b = placeOnBand(value, bands);
  if (!b) return null;
  return (
    <span className="band-bar" role="img" aria-label={label} title={label} data-testid="band-bar">
      <span className="band-outer" style={{ left: `${String(b.p10)}%`, width: `${String(Math.max(0.5, b.p90 - b.p10))}%` }} />
      <span className="band-inner" style={{ left: `${String(b.p25)}%`, width: `${String(Math.max(0.5, b.p75 - b.p25))}%` }} />
      <span className="band-median" style={{ left: `${String(b.p50)}%` }} />
      {b.marker !== null && <span className={b.outside ? 'band-marker band-marker-out' : 'band-marker'} style={{ left: `${String(b.marker)}%` }} />}
    </span>
  );
}
