import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { Traffic } from './analytics-console-api';

/** `?traffic=simulated` (the demo's simulated sessions); real traffic otherwise. */
export function useTrafficParam(): [Traffic, (t: Traffic) => void] {
  const [params, setParams] = useSearchParams();
  const traffic: Traffic = params.get('traffic') === 'simulated' ? 'simulated' : 'real';
  const set = (t: Traffic) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (t === 'real') next.delete('traffic');
        else next.set('traffic', t);
        return next;
      },
      { replace: true },
    );
  };
  return [traffic, set];
}

/** Real or simulated traffic: which figures the page shows (simulated ones are labelled). */
export function TrafficSelect({ value, onChange }: { value: Traffic; onChange: (t: Traffic) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="inline-field traffic-select">
      <label htmlFor={id}>{t('analyticsConsole.traffic.label')}</label>
      <select id={id} value={value} data-testid="traffic-select" onChange={(e) => { onChange(e.target.value === 'simulated' ? 'simulated' : 'real'); }}>
        <option value="real">{t('analyticsConsole.traffic.real')}</option>
        <option value="simulated">{t('analyticsConsole.traffic.simulated')}</option>
      </select>
    </div>
  );
}

/** The label every page shows over simulated figures. */
export function SimulatedNote({ traffic }: { traffic: Traffic }) {
  const { t } = useTranslation();
  if (traffic !== 'simulated') return null;
  return (
    <p className="banner banner-info dash-sim-label" role="note" data-testid="simulated-note">
      {t('analytics.section.simulatedData')}
    </p>
  );
}
