import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveSession } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { viewerPath } from '../api/session-links';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * The invite of a private session: its code, the link to share (with a copy button) and,
 * with sessions:write, a new code (after a confirmation, since the old link stops working).
 */
export function InviteCard({
  session,
  canWrite,
  onChanged,
}: {
  session: LiveSession;
  canWrite: boolean;
  onChanged: (session: LiveSession, message: string) => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const linkId = useId();
  const linkRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const [confirming, setConfirming] = useState(false);
  const code = session.inviteCode;
  const link = code ? viewerPath(session.id, code, true) : null;

  useEffect(() => {
    if (copy !== 'copied') return;
    const timer = window.setTimeout(() => { setCopy('idle'); }, 2500);
    return () => { window.clearTimeout(timer); };
  }, [copy]);

  const copyLink = async () => {
    if (!link) return;
    try {
      // Missing outside secure contexts (plain http on a LAN address): fall back to selecting the text.
      if (typeof navigator.clipboard === 'undefined') throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setCopy('copied');
    } catch {
      linkRef.current?.focus();
      linkRef.current?.select();
      setCopy('manual');
    }
  };

  return (
    <section className="card detail-card" aria-labelledby={titleId} data-testid="invite-card">
      <h2 className="card-title" id={titleId}>
        {t('invite.title')}
      </h2>
      <p className="muted small detail-lead">{t('invite.hint')}</p>
      {code && link ? (
        <div className="stack">
          <div className="field">
            <span className="field-label">{t('invite.code')}</span>
            <code className="invite-code" data-testid="invite-code">
              {code}
            </code>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={linkId}>
              {t('invite.link')}
            </label>
            <div className="copy-row">
              <input
                id={linkId}
                ref={linkRef}
                type="text"
                readOnly
                value={link}
                data-testid="invite-link"
                onFocus={(event) => { event.currentTarget.select(); }}
              />
              <button type="button" className="btn btn-sm" data-testid="invite-copy" onClick={() => void copyLink()}>
                {t('invite.copy')}
              </button>
            </div>
            <p className="field-hint" role="status">
              {copy === 'copied' ? t('invite.copied') : copy === 'manual' ? t('invite.copyManual') : ''}
            </p>
          </div>
          {session.status === 'draft' && <p className="muted small">{t('invite.draftHint')}</p>}
        </div>
      ) : (
        <p className="muted">{t('invite.none')}</p>
      )}
      {canWrite && (
        <div className="detail-actions">
          <button type="button" className="btn btn-sm" data-testid="invite-rotate" onClick={() => { setConfirming(true); }}>
            {t('invite.rotate')}
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmActionDialog
          title={t('invite.rotateTitle')}
          confirmLabel={t('invite.rotateConfirm')}
          busyLabel={t('invite.rotating')}
          testId="invite-rotate"
          action={() => consoleApi.rotateInvite(session.id)}
          onClose={() => { setConfirming(false); }}
          onDone={(updated) => {
            setConfirming(false);
            setCopy('idle');
            onChanged(updated, t('invite.rotated'));
          }}
        >
          <p>{t('invite.rotateBody')}</p>
        </ConfirmActionDialog>
      )}
    </section>
  );
}
