import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewerIdentity } from '../use-viewer-identity';
import { useTracker } from './room-analytics';

/**
 * The room's link to share: `?src=share&by=<viewer id>` for a signed-in viewer (shares are
 * attributed to the sharer), the system share sheet where there is one, else copied.
 */
export function shareLink(origin: string, sessionId: string, identity: ViewerIdentity, invite: string | null): string {
  const q = new URLSearchParams({ src: 'share' });
  if (identity.kind === 'viewer') q.set('by', identity.viewer.id);
  if (invite) q.set('invite', invite);
  return `${origin}/live/${encodeURIComponent(sessionId)}?${q.toString()}`;
}

export function ShareButton({ sessionId, title, identity, invite }: { sessionId: string; title: string; identity: ViewerIdentity; invite: string | null }) {
  const { t } = useTranslation();
  const tracker = useTracker();
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!note) return;
    const timer = window.setTimeout(() => { setNote(null); }, 4000);
    return () => { window.clearTimeout(timer); };
  }, [note]);

  const share = async () => {
    const url = shareLink(window.location.origin, sessionId, identity, invite);
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: t('share.title', { title }), url });
        tracker?.share('system');
        return;
      } catch (err) {
        if (err instanceof DOMException && err.name === 'AbortError') return; // the viewer changed their mind
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      tracker?.share('copy');
      setNote(t('share.copied'));
    } catch {
      setNote(t('share.failed', { url }));
    }
  };

  return (
    <span className="share-control">
      <button type="button" className="btn btn-ghost btn-sm" data-testid="share-button" onClick={() => void share()}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M12 3v12M7 8l5-5 5 5M5 13v6h14v-6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span>{t('share.button')}</span>
      </button>
      <span className="share-note small muted" role="status" aria-live="polite" data-testid="share-note">
        {note ?? ''}
      </span>
    </span>
  );
}
