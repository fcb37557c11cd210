import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NewMemberInput, Role, TeamMember } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { FormError, InputField } from '../components/form-field';
import { useFormErrors } from '../hooks/use-form-errors';
import { RolePicker } from './role-picker';

type Field = keyof NewMemberInput;
const FIELDS: readonly Field[] = ['email', 'displayName', 'roles', 'password'];

export function MemberForm({ onCreated, onCancel }: { onCreated: (member: TeamMember) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(FIELDS);

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    if (roles.length === 0) {
      setFieldErrors({ roles: [t('team.rolesRequired')] });
      return;
    }
    setSubmitting(true);
    try {
      const created = await consoleApi.createMember({ email: email.trim(), displayName: displayName.trim(), roles, password });
      onCreated(created);
    } catch (error) {
      showError(error);
      setSubmitting(false);
    }
  };

  return (
    <form className="card form-card" noValidate data-testid="member-form" onSubmit={(event) => void handleSubmit(event)}>
      <h2 className="card-title">{t('team.addTitle')}</h2>
      <div className="form-grid">
        <InputField
          name="email"
          label={t('team.email')}
          errors={fieldErrors.email}
          type="email"
          autoComplete="off"
          autoFocus
          testId="member-email"
          value={email}
          onValueChange={setEmail}
        />
        <InputField
          name="displayName"
          label={t('team.displayName')}
          errors={fieldErrors.displayName}
          type="text"
          autoComplete="off"
          testId="member-display-name"
          value={displayName}
          onValueChange={setDisplayName}
        />
        <InputField
          name="password"
          label={t('team.password')}
          hint={t('team.passwordHint')}
          errors={fieldErrors.password}
          className="span-2"
          type="password"
          autoComplete="new-password"
          testId="member-password"
          value={password}
          onValueChange={setPassword}
        />
        <div className="span-2">
          <RolePicker
            legend={t('team.roles')}
            value={roles}
            onChange={setRoles}
            testIdPrefix="member-role"
            errors={fieldErrors.roles}
          />
        </div>
      </div>
      <FormError message={formError} testId="member-form-error" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="member-submit">
          {submitting ? t('team.adding') : t('team.add')}
        </button>
      </div>
    </form>
  );
}
