import { NewToolButton } from './tool-section';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { catalogApi } from '../../api/catalog-api';
import { interactConsoleApi } from '../../api/interact-console-api';
import { promotionsApi } from '../../api/promotions-api';
import { useAuth } from '../../auth/auth-context';
import { PERMISSIONS } from '../../auth/permissions';
import { FormError, FormField, InputField, SelectField } from '../../components/form-field';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormErrors } from '../../hooks/use-form-errors';
import { drawFormToBody, emptyDrawForm, prizeKinds, timeLeft, type DrawField, type DrawForm as DrawFormState } from './interact-format';
import type { ToolTabProps } from './tool-props';

const DRAW_FIELDS: readonly DrawField[] = ['title', 'productId', 'templateId', 'points', 'label', 'winnerCount', 'entrySeconds', 'phrase', 'minWatchMinutes', 'minFanLevel', 'maxWins', 'windowDays', 'claimHours'];
const ENTRY_WINDOWS = ['30', '60', '120', '180', '300', '600', '900', '1800', '3600'] as const;
const FLAGS = ['followsBrand', 'reservedSession', 'boughtInSession', 'accountOlderThanSession', 'inRoomAtDraw'] as const;

/** Prepares a draw: prize, winners, entry window, eligibility rules, claim deadline. Saved as a draft. */
export function DrawForm({ sessionId, act }: ToolTabProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState<DrawFormState>(emptyDrawForm);
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<DrawField>(DRAW_FIELDS);
  // Prize pickers: the session's shelf and the active coupon templates (loaded once the form opens).
  const shelf = useApiResource((signal) => (open ? catalogApi.getShelf(sessionId, signal) : Promise.resolve(null)), [open, sessionId]);
  const templates = useApiResource((signal) => (open && can(PERMISSIONS.promotionsRead) ? promotionsApi.templates(signal) : Promise.resolve({ items: [] })), [open, can]);
  const set = <K extends keyof DrawFormState>(k: K, v: DrawFormState[K]) => { setF((x) => ({ ...x, [k]: v })); };
  const fe = form.fieldErrors;

  const submit = async (e: { preventDefault: () => void }, openNow: boolean) => {
    e.preventDefault();
    form.clearErrors();
    const mapped = drawFormToBody(f);
    if (!mapped.ok) {
      form.setFieldErrors(Object.fromEntries(Object.entries(mapped.problems).map(([k, v]) => [k, [t(`interactConsole.errors.${v}`)]])));
      return;
    }
    setSaving(true);
    try {
      const draw = await interactConsoleApi.createDraw(sessionId, mapped.body);
      if (openNow) await act(`draw:${draw.id}`, () => interactConsoleApi.drawAction(sessionId, draw.id, 'open'), t('interactConsole.draws.done.open', { title: draw.title }));
      else await act('draw:new', () => Promise.resolve(), t('interactConsole.prepared'));
      setOpen(false);
      setF(emptyDrawForm());
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };

  if (!open) return <NewToolButton label={t('interactConsole.draws.new')} testId="ic-draw-new" onOpen={() => { setOpen(true); }} />;
  const products = shelf.data?.items.filter((p) => !p.archived) ?? [];
  const coupons = templates.data?.items.filter((c) => c.status === 'active') ?? [];
  return (
    <form className="ic-form" data-testid="ic-draw-form" noValidate onSubmit={(e) => void submit(e, false)}>
      <h4 className="ic-form-title">{t('interactConsole.draws.new')}</h4>
      <InputField type="text" name="title" testId="ic-draw-title" label={t('interactConsole.draws.fields.title')} errors={fe.title} value={f.title} maxLength={120} onValueChange={(v) => { set('title', v); }} />
      <div className="ic-form-row">
        <SelectField name="prizeKind" testId="ic-draw-prize-kind" label={t('interactConsole.draws.fields.prizeKind')} value={f.prizeKind} options={prizeKinds} optionLabel={(k) => t(`interactConsole.draws.prize.${k}`)} onValueChange={(v) => { set('prizeKind', v); }} />
        {f.prizeKind === 'points' && <InputField type="text" name="points" testId="ic-draw-points" label={t('interactConsole.draws.fields.points')} errors={fe.points} inputMode="numeric" value={f.points} onValueChange={(v) => { set('points', v); }} />}
      </div>
      {f.prizeKind === 'product' && (
        <FormField name="productId" label={t('interactConsole.draws.fields.product')} hint={products.length === 0 && shelf.data ? t('interactConsole.draws.noShelf') : undefined} errors={fe.productId}>
          {(control) => (
            <select {...control} data-testid="ic-draw-product" value={f.productId} onChange={(e) => { set('productId', e.target.value); }}>
              <option value="">{t('interactConsole.draws.chooseProduct')}</option>
              {products.map((p) => <option key={p.productId} value={p.productId}>{p.title}</option>)}
            </select>
          )}
        </FormField>
      )}
      {f.prizeKind === 'coupon' && (
        <FormField name="templateId" label={t('interactConsole.draws.fields.coupon')} hint={coupons.length === 0 && templates.data ? t('interactConsole.draws.noCoupons') : undefined} errors={fe.templateId}>
          {(control) => (
            <select {...control} data-testid="ic-draw-coupon" value={f.templateId} onChange={(e) => { set('templateId', e.target.value); }}>
              <option value="">{t('interactConsole.draws.chooseCoupon')}</option>
              {coupons.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          )}
        </FormField>
      )}
      <InputField type="text"
        name="label"
        testId="ic-draw-label"
        label={t(f.prizeKind === 'text' ? 'interactConsole.draws.fields.labelRequired' : 'interactConsole.draws.fields.label')}
        hint={f.prizeKind === 'text' ? undefined : t('interactConsole.draws.labelHint')}
        errors={fe.label}
        value={f.label}
        maxLength={80}
        onValueChange={(v) => { set('label', v); }}
      />
      <div className="ic-form-row">
        <InputField type="text" name="winnerCount" testId="ic-draw-winner-count" label={t('interactConsole.draws.fields.winnerCount')} errors={fe.winnerCount} inputMode="numeric" value={f.winnerCount} onValueChange={(v) => { set('winnerCount', v); }} />
        <SelectField
          name="entrySeconds"
          testId="ic-draw-window"
          label={t('interactConsole.draws.fields.entrySeconds')}
          errors={fe.entrySeconds}
          value={String(f.entrySeconds) as (typeof ENTRY_WINDOWS)[number]}
          options={ENTRY_WINDOWS}
          optionLabel={(s) => timeLeft(Number(s) * 1000, 0)}
          onValueChange={(v) => { set('entrySeconds', Number(v)); }}
        />
      </div>
      <fieldset className="ic-rules">
        <legend className="field-label">{t('interactConsole.draws.rules.title')}</legend>
        <InputField type="text" name="phrase" testId="ic-draw-phrase-input" label={t('interactConsole.draws.fields.phrase')} hint={t('interactConsole.draws.phraseHint')} errors={fe.phrase} value={f.phrase} maxLength={50} onValueChange={(v) => { set('phrase', v); }} />
        <div className="ic-form-row">
          <InputField type="text" name="minWatchMinutes" testId="ic-draw-watch" label={t('interactConsole.draws.fields.minWatchMinutes')} errors={fe.minWatchMinutes} inputMode="numeric" placeholder="–" value={f.minWatchMinutes} onValueChange={(v) => { set('minWatchMinutes', v); }} />
          <InputField type="text" name="minFanLevel" testId="ic-draw-fan" label={t('interactConsole.draws.fields.minFanLevel')} errors={fe.minFanLevel} inputMode="numeric" placeholder="–" value={f.minFanLevel} onValueChange={(v) => { set('minFanLevel', v); }} />
        </div>
        {FLAGS.map((flag) => (
          <label key={flag} className="ic-check">
            <input type="checkbox" data-testid={`ic-draw-${flag}`} checked={f[flag]} onChange={(e) => { set(flag, e.target.checked); }} /> {t(`interactConsole.draws.rules.${flag}`)}
          </label>
        ))}
        <label className="ic-check">
          <input type="checkbox" data-testid="ic-draw-cap" checked={f.capWins} onChange={(e) => { set('capWins', e.target.checked); }} /> {t('interactConsole.draws.fields.capWins')}
        </label>
        {f.capWins && (
          <div className="ic-form-row">
            <InputField type="text" name="maxWins" testId="ic-draw-max-wins" label={t('interactConsole.draws.fields.maxWins')} errors={fe.maxWins} inputMode="numeric" value={f.maxWins} onValueChange={(v) => { set('maxWins', v); }} />
            <InputField type="text" name="windowDays" testId="ic-draw-window-days" label={t('interactConsole.draws.fields.windowDays')} errors={fe.windowDays} inputMode="numeric" value={f.windowDays} onValueChange={(v) => { set('windowDays', v); }} />
          </div>
        )}
      </fieldset>
      <div className="ic-form-row">
        <InputField type="text" name="claimHours" testId="ic-draw-claim-hours" label={t('interactConsole.draws.fields.claimHours')} errors={fe.claimHours} inputMode="numeric" value={f.claimHours} onValueChange={(v) => { set('claimHours', v); }} />
        <SelectField name="unclaimed" testId="ic-draw-unclaimed" label={t('interactConsole.draws.fields.unclaimed')} value={f.unclaimed} options={['redraw', 'lapse'] as const} optionLabel={(u) => t(`interactConsole.draws.unclaimed.${u}`)} onValueChange={(v) => { set('unclaimed', v); }} />
      </div>
      <FormError message={form.formError} testId="ic-draw-form-error" />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => { setOpen(false); form.clearErrors(); }}>
          {t('interactConsole.discard')}
        </button>
        <button type="submit" className="btn" data-testid="ic-draw-save" disabled={saving}>
          {t('interactConsole.saveDraft')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="ic-draw-save-open" disabled={saving} onClick={(e) => void submit(e, true)}>
          {t('interactConsole.draws.createOpen')}
        </button>
      </div>
    </form>
  );
}
