import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, TeamMember } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { DemoBadge } from '../components/badges';
import { DataTable, dataTableColumnCount } from '../components/data-table';
import { ErrorBanner, Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { MemberForm } from './member-form';
import { RolePicker } from './role-picker';

export function TeamPage() {
  const { t, i18n } = useTranslation();
  const { can, member: me } = useAuth();
  const canWrite = can(PERMISSIONS.teamWrite);
  const members = useApiResource((signal) => consoleApi.listMembers(signal), []);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ id: string; roles: Role[] } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();
  const lang = i18n.resolvedLanguage ?? 'en';
  const columns = [t('team.displayName'), t('team.email'), t('team.roles'), t('team.status'), t('team.joined')];

  const replaceMember = (updated: TeamMember) => { members.setData((prev) => prev && { items: prev.items.map((m) => (m.id === updated.id ? updated : m)) }); };

  const runUpdate = async (target: TeamMember, patch: Parameters<typeof consoleApi.updateMember>[1]) => {
    setBusyId(target.id);
    setActionError(null);
    try {
      const updated = await consoleApi.updateMember(target.id, patch);
      replaceMember(updated);
      showNotice(t('team.updated', { name: updated.displayName }));
      return true;
    } catch (error) {
      setActionError(describeError(t, error));
      return false;
    } finally {
      setBusyId(null);
    }
  };

  const saveRoles = async (target: TeamMember, roles: Role[]) => {
    if (roles.length === 0) {
      setActionError(t('team.rolesRequired'));
      return;
    }
    if (await runUpdate(target, { roles })) setEditing(null);
  };

  return (
    <section className="page">
      <PageHeader title={t('team.title')} subtitle={t('team.subtitle')}>
        {canWrite && !adding && (
          <button type="button" className="btn btn-primary" data-testid="add-member" onClick={() => { setAdding(true); }}>
            + {t('team.add')}
          </button>
        )}
      </PageHeader>

      <Notice message={notice} onDismiss={dismissNotice} />

      {canWrite && adding && (
        <MemberForm
          onCancel={() => { setAdding(false); }}
          onCreated={(created) => {
            setAdding(false);
            members.setData((prev) => prev && { items: [...prev.items, created] });
            showNotice(t('team.added', { name: created.displayName }));
          }}
        />
      )}

      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="team-action-error" />

      <ListStates resource={members} items={members.data?.items} empty={<EmptyState title={t('team.empty')} />}>
        {(items) => (
          <DataTable testId="team-list" columns={columns} actionsLabel={t('common.actions')}>
            {items.map((m) => {
              const isMe = m.id === me?.id;
              const busy = busyId === m.id;
              const isEditing = editing?.id === m.id;
              return (
                <Fragment key={m.id}>
                  <tr data-testid="member-row" data-member-id={m.id} data-status={m.status}>
                    <td className="cell-primary" data-label={t('team.displayName')}>
                      <span className="row-title">{m.displayName}</span>
                      <span className="row-meta">
                        {isMe && <span className="badge">{t('team.you')}</span>}
                        {m.isDemo && <DemoBadge />}
                      </span>
                    </td>
                    <td data-label={t('team.email')} className="cell-break">
                      {m.email}
                    </td>
                    <td data-label={t('team.roles')}>
                      <span className="chips" data-testid="member-roles-list">
                        {m.roles.map((role) => (
                          <span key={role} className="chip">
                            {t(`roles.${role}`)}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td data-label={t('team.status')}>
                      <span
                        className={m.status === 'active' ? 'badge badge-ok' : 'badge badge-muted'}
                        data-testid="member-status"
                      >
                        {t(`team.statusValue.${m.status}`)}
                      </span>
                    </td>
                    <td data-label={t('team.joined')}>
                      <time dateTime={m.createdAt}>{formatDateTime(m.createdAt, lang) ?? t('common.none')}</time>
                    </td>
                    <td className="cell-actions">
                      {canWrite && (
                        <div className="row-actions">
                          <button
                            type="button"
                            className="btn btn-sm"
                            data-testid="member-edit-roles"
                            disabled={busy || isEditing}
                            onClick={() => { setEditing({ id: m.id, roles: m.roles }); }}
                          >
                            {t('team.editRoles')}
                          </button>
                          {!isMe && (
                            <button
                              type="button"
                              className={m.status === 'active' ? 'btn btn-sm btn-danger' : 'btn btn-sm'}
                              data-testid="member-toggle-status"
                              disabled={busy}
                              onClick={() =>
                                void runUpdate(m, { status: m.status === 'active' ? 'disabled' : 'active' })
                              }
                            >
                              {m.status === 'active' ? t('team.disable') : t('team.enable')}
                            </button>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                  {editing?.id === m.id && (
                    <tr className="row-editor">
                      <td colSpan={dataTableColumnCount(columns)}>
                        <div className="inline-editor" data-testid="member-roles-editor">
                          <RolePicker
                            legend={t('team.editRoles')}
                            value={editing.roles}
                            onChange={(roles) => { setEditing({ id: m.id, roles }); }}
                            testIdPrefix="edit-role"
                            disabled={busy}
                          />
                          <div className="form-actions">
                            <button type="button" className="btn" onClick={() => { setEditing(null); }}>
                              {t('common.cancel')}
                            </button>
                            <button
                              type="button"
                              className="btn btn-primary"
                              data-testid="member-save-roles"
                              disabled={busy}
                              onClick={() => void saveRoles(m, editing.roles)}
                            >
                              {busy ? t('common.saving') : t('team.saveRoles')}
                            </button>
                          </div>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </DataTable>
        )}
      </ListStates>
    </section>
  );
}
