import { hintSentence } from '../../../../contracts/analytics-texts';
import type { HintArea, ReportHint } from './report-types';
import type { ReportText } from './use-report-text';

const AREAS: readonly HintArea[] = ['content', 'host', 'interaction', 'promotion'];
const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Hints grouped by area (handbook 7.3), most severe first within an area; areas without hints are left out. */
export function groupHints(hints: readonly ReportHint[]): { area: HintArea; hints: ReportHint[] }[] {
  return AREAS.map((area) => ({
    area,
    hints: hints.filter((h) => h.area === area).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]),
  })).filter((g) => g.hints.length > 0);
}

/** The optimisation hints as sentences citing their numbers, grouped by area, with a severity badge. */
export function ReportHints({ hints, x }: { hints: readonly ReportHint[]; x: ReportText }) {
  if (hints.length === 0) return <p className="muted report-empty" data-testid="report-hints-empty">{x.t('analyticsReport.hints.none')}</p>;
  return (
    <div className="report-hint-groups" data-testid="report-hints">
      {groupHints(hints).map((g) => (
        <section key={g.area} className="report-hint-group" data-area={g.area}>
          <h3 className="report-hint-area">{x.A.area[g.area]}</h3>
          <ul className="report-hint-list">
            {g.hints.map((h, i) => (
              <li key={`${h.code}-${String(i)}`} className="report-hint" data-code={h.code} data-severity={h.severity}>
                <span className={`badge report-severity report-severity-${h.severity}`}>{x.A.severity[h.severity]}</span>
                <span className="report-hint-text">{hintSentence(typeof h.params.source === 'string' ? { ...h, params: { ...h.params, source: x.source(h.params.source) } } : h, x.A)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
