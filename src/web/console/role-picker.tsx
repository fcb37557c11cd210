import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../api/api-types';

interface RolePickerProps {
  value: Role[];
  onChange: (roles: Role[]) => void;
  /** Prefix for per-role test ids, so several pickers on one page stay distinguishable. */
  testIdPrefix: string;
  disabled?: boolean;
  legend: string;
  errors?: string[];
}

export function RolePicker({ value, onChange, testIdPrefix, disabled, legend, errors = [] }: RolePickerProps) {
  const { t } = useTranslation();
  const toggle = (role: Role, checked: boolean) => {
    // Keep the canonical order so the request body doesn't depend on click order.
    onChange(ROLES.filter((r) => (r === role ? checked : value.includes(r))));
  };
  return (
    <fieldset className={errors.length > 0 ? 'role-picker field-invalid' : 'role-picker'} disabled={disabled}>
      <legend className="field-label">{legend}</legend>
      <div className="role-options">
        {ROLES.map((role) => (
          <label key={role} className="chip-checkbox">
            <input
              type="checkbox"
              data-testid={`${testIdPrefix}-${role}`}
              checked={value.includes(role)}
              onChange={(event) => { toggle(role, event.target.checked); }}
            />
            <span>{t(`roles.${role}`)}</span>
          </label>
        ))}
      </div>
      {errors.length > 0 && (
        <ul className="field-errors" data-testid={`field-error-roles`}>
          {errors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
