import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NewMemberInput, Role, TeamMember } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { issuesByField } from '../api/field-issues';
import { FormError, FormField } from '../components/form-field';
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
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string[]>>>({});

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    if (roles.length === 0) {
      setFieldErrors({ roles: [t('team.rolesRequired')] });
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      const created = await consoleApi.createMember({ email: email.trim(), displayName: displayName.trim(), roles, password });
      onCreated(created);
    } catch (error) {
      const { fieldErrors: perField, needsSummary } = issuesByField(error, FIELDS);
      setFieldErrors(perField);
      setFormError(needsSummary ? describeError(t, error) : null);
      setSubmitting(false);
    }
  };

  return (
    <form className="card form-card" noValidate data-testid="member-form" onSubmit={(event) => void handleSubmit(event)}>
      <h2 className="card-title">{t('team.addTitle')}</h2>
      <div className="form-grid">
        <FormField name="email" label={t('team.email')} errors={fieldErrors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="off"
              autoFocus
              data-testid="member-email"
              value={email}
              onChange={(event) => { setEmail(event.target.value); }}
            />
          )}
        </FormField>
        <FormField name="displayName" label={t('team.displayName')} errors={fieldErrors.displayName}>
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="off"
              data-testid="member-display-name"
              value={displayName}
              onChange={(event) => { setDisplayName(event.target.value); }}
            />
          )}
        </FormField>
        <FormField
          name="password"
          label={t('team.password')}
          hint={t('team.passwordHint')}
          errors={fieldErrors.password}
          className="span-2"
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              data-testid="member-password"
              value={password}
              onChange={(event) => { setPassword(event.target.value); }}
            />
          )}
        </FormField>
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
