import { useId, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type StaffAssignment, type TeamMember } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { FormError } from '../components/form-field';
import { ErrorState, LoadingState } from '../components/page-states';
import { useApiResource } from '../hooks/use-api-resource';

/** The server takes at most this many assignments per session. */
const MAX_ASSIGNMENTS = 50;

const dutyOrder = (duty: Role) => ROLES.indexOf(duty);
const sameAssignment = (a: StaffAssignment, b: { memberId: string; duty: Role }) => a.memberId === b.memberId && a.duty === b.duty;

/**
 * Who does what in this session, as a duty → member table. Editing needs sessions:write (to
 * save) and team:read (to list the members to pick from); everyone else sees it read-only.
 * The table is edited locally and saved as a whole, as the API replaces it as a whole.
 */
export function StaffCard({
  sessionId,
  canWrite,
  canListMembers,
  onSaved,
}: {
  sessionId: string;
  canWrite: boolean;
  canListMembers: boolean;
  onSaved: (message: string) => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const staff = useApiResource((signal) => consoleApi.getStaff(sessionId, signal), [sessionId]);
  const editable = canWrite && canListMembers;
  const members = useApiResource<{ items: TeamMember[] } | null>(
    (signal) => (editable ? consoleApi.listMembers(signal) : Promise.resolve(null)),
    [editable],
  );
  const [draft, setDraft] = useState<StaffAssignment[] | null>(null);
  const [memberId, setMemberId] = useState('');
  const [duty, setDuty] = useState<Role>('host');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const saved = staff.data?.assignments;
  const rows = draft ?? saved ?? [];
  const dirty = draft !== null;
  // Shown in the order of the roles (host first); `index` points back into `rows`.
  const shown = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => dutyOrder(a.row.duty) - dutyOrder(b.row.duty) || a.index - b.index);
  const activeMembers = useMemo(
    () =>
      (members.data?.items ?? [])
        .filter((m) => m.status === 'active')
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
    [members.data],
  );

  if (staff.loading) {
    return (
      <StaffFrame titleId={titleId}>
        <LoadingState />
      </StaffFrame>
    );
  }
  if (staff.error || !saved) {
    return (
      <StaffFrame titleId={titleId}>
        <ErrorState error={staff.error} onRetry={staff.reload} />
      </StaffFrame>
    );
  }

  const picked: TeamMember | undefined = activeMembers.find((m) => m.id === memberId);
  const duplicate = picked ? rows.some((row) => sameAssignment(row, { memberId: picked.id, duty })) : false;
  const full = rows.length >= MAX_ASSIGNMENTS;

  const pickMember = (id: string) => {
    setMemberId(id);
    // Suggest the member's own role as the duty; it can still be changed.
    const member = activeMembers.find((m) => m.id === id);
    const first = member?.roles[0];
    if (first) setDuty(first);
  };

  const add = () => {
    if (!picked || duplicate || full) return;
    setDraft([...rows, { memberId: picked.id, displayName: picked.displayName, duty }]);
    setMemberId('');
    setError(null);
  };

  const removeAt = (index: number) => {
    setDraft(rows.filter((_, i) => i !== index));
    setError(null);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const result = await consoleApi.setStaff(
        sessionId,
        rows.map(({ memberId: id, duty: d }) => ({ memberId: id, duty: d })),
      );
      staff.setData(() => result);
      setDraft(null);
      onSaved(t('staff.saved'));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <StaffFrame titleId={titleId} badge={dirty ? <span className="badge badge-warn">{t('staff.unsaved')}</span> : null}>
      <table className="data-table responsive-table staff-table" data-testid="staff-table">
        <thead>
          <tr>
            <th scope="col">{t('staff.duty')}</th>
            <th scope="col">{t('staff.member')}</th>
            {editable && (
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={editable ? 3 : 2} className="muted staff-empty" data-testid="staff-empty">
                {t('staff.empty')}
              </td>
            </tr>
          ) : (
            shown.map(({ row, index }) => (
              <tr key={`${row.memberId}/${row.duty}`} data-testid="staff-row" data-member-id={row.memberId} data-duty={row.duty}>
                <td className="nowrap" data-label={t('staff.duty')} data-testid="staff-row-duty">
                  {t(`roles.${row.duty}`)}
                </td>
                <td className="cell-break" data-label={t('staff.member')} data-testid="staff-row-member">
                  {row.displayName}
                </td>
                {editable && (
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-sm btn-ghost"
                      data-testid="staff-remove"
                      disabled={saving}
                      aria-label={t('staff.removeLabel', { name: row.displayName, duty: t(`roles.${row.duty}`) })}
                      onClick={() => { removeAt(index); }}
                    >
                      {t('staff.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>

      {editable ? (
        <div className="staff-editor">
          {members.loading ? (
            <LoadingState />
          ) : members.error ? (
            <ErrorState error={members.error} onRetry={members.reload} />
          ) : (
            <div className="staff-add-row">
              <label className="field">
                <span className="field-label">{t('staff.member')}</span>
                <select
                  data-testid="staff-member"
                  value={memberId}
                  disabled={saving}
                  onChange={(event) => { pickMember(event.target.value); }}
                >
                  <option value="">{t('staff.pickMember')}</option>
                  {activeMembers.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.displayName}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">{t('staff.duty')}</span>
                <select
                  data-testid="staff-duty"
                  value={duty}
                  disabled={saving}
                  onChange={(event) => { setDuty(event.target.value as Role); }}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`roles.${role}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="btn"
                data-testid="staff-add"
                disabled={!picked || duplicate || full || saving}
                onClick={add}
              >
                + {t('staff.add')}
              </button>
            </div>
          )}
          {picked && duplicate && <p className="field-hint">{t('staff.duplicate', { name: picked.displayName })}</p>}
          {full && <p className="field-hint">{t('staff.full', { count: MAX_ASSIGNMENTS })}</p>}
          <FormError message={error} testId="staff-error" />
          <div className="form-actions">
            {dirty && (
              <button
                type="button"
                className="btn btn-ghost"
                data-testid="staff-discard"
                disabled={saving}
                onClick={() => {
                  setDraft(null);
                  setError(null);
                }}
              >
                {t('staff.discard')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-primary"
              data-testid="staff-save"
              disabled={!dirty || saving}
              onClick={() => void save()}
            >
              {saving ? t('common.saving') : t('staff.save')}
            </button>
          </div>
        </div>
      ) : (
        <p className="muted small staff-readonly" data-testid="staff-readonly">
          {canWrite ? t('staff.readOnlyNoTeam') : t('staff.readOnly')}
        </p>
      )}
    </StaffFrame>
  );
}

function StaffFrame({ titleId, badge, children }: { titleId: string; badge?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="card detail-card staff-card" aria-labelledby={titleId}>
      <div className="detail-card-head">
        <h2 className="card-title" id={titleId}>
          {t('staff.title')}
        </h2>
        {badge}
      </div>
      <p className="muted small detail-lead">{t('staff.hint')}</p>
      {children}
    </section>
  );
}
