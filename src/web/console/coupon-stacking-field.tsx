import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '../api/promotions-api';
import { FormField } from '../components/form-field';

export type CouponStacking = Pick<CouponTemplate, 'stackWithThreshold' | 'stackWithCoupons' | 'exclusive'>;

/** A checkbox drawn as a chip. */
export function ChipCheckbox({ checked, onChange, testId, children }: { checked: boolean; onChange: (checked: boolean) => void; testId?: string; children: ReactNode }) {
  return (
    <label className="chip-checkbox">
      <input type="checkbox" data-testid={testId} checked={checked} onChange={(e) => { onChange(e.target.checked); }} />
      {children}
    </label>
  );
}

/** How a coupon template stacks with other offers, as chips; `children` adds more chips after these. */
export function CouponStackingField({ value, onChange, exclusiveTestId, children }: { value: CouponStacking; onChange: (next: CouponStacking) => void; exclusiveTestId?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const set = (key: keyof CouponStacking) => (checked: boolean) => { onChange({ ...value, [key]: checked }); };
  return (
    <FormField name="stacking" label={t('promotions.stacking')} className="span-2">
      {() => (
        <div className="role-options">
          <ChipCheckbox checked={value.stackWithThreshold} onChange={set('stackWithThreshold')}>
            {t('coupons.stacksWithThreshold')}
          </ChipCheckbox>
          <ChipCheckbox checked={value.stackWithCoupons} onChange={set('stackWithCoupons')}>
            {t('coupons.stacksWithCoupons')}
          </ChipCheckbox>
          <ChipCheckbox checked={value.exclusive} onChange={set('exclusive')} testId={exclusiveTestId}>
            {t('promotions.exclusive')}
          </ChipCheckbox>
          {children}
        </div>
      )}
    </FormField>
  );
}
