import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-client';
import { COVER_MIMES, MAX_COVER_BYTES, type CoverMime, type LiveSession } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';

function isCoverMime(type: string): type is CoverMime {
  return (COVER_MIMES as readonly string[]).includes(type);
}

/** The small cover image of a sessions-list row; an empty frame when there is none (or it cannot load). */
export function CoverThumb({ session }: { session: LiveSession }) {
  const { t } = useTranslation();
  // The console's cover address serves drafts and private sessions to the team.
  const src = session.coverUrl;
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  if (!src || failedSrc === src) return <span className="cover-thumb cover-thumb-empty" aria-hidden="true" />;
  return (
    <img
      className="cover-thumb"
      src={src}
      alt={t('cover.alt', { title: session.title })}
      loading="lazy"
      decoding="async"
      data-testid="cover-thumb"
      onError={() => { setFailedSrc(src); }}
    />
  );
}

type Phase = { kind: 'idle' } | { kind: 'reading'; percent: number } | { kind: 'uploading' } | { kind: 'removing' };

/** Says what went wrong with an upload the server refused, in the user's language where we can. */
function describeCoverError(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 413) return t('cover.tooLargeServer');
    const issues = error.issuesFor('dataBase64');
    if (issues.some((issue) => issue.message.includes('MiB'))) return t('cover.tooLargeServer');
    if (issues.length > 0) return t('cover.notAnImage');
  }
  return describeError(t, error);
}

/**
 * The cover image of a session: the current one, and (with sessions:write) upload and remove.
 * The file is checked here for type and size, read as base64 and sent as JSON; the server
 * checks that the bytes really are that kind of image.
 */
export function CoverCard({
  session,
  canWrite,
  onChanged,
}: {
  session: LiveSession;
  canWrite: boolean;
  onChanged: (session: LiveSession, message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const readerRef = useRef<FileReader | null>(null);
  const titleId = useId();
  // The console's cover address serves drafts and private sessions to the team.
  const src = session.coverUrl;
  const busy = phase.kind !== 'idle';

  // A file still being read when the page goes away is abandoned.
  useEffect(() => () => { readerRef.current?.abort(); }, []);

  const upload = async (contentType: CoverMime, dataBase64: string) => {
    setPhase({ kind: 'uploading' });
    try {
      const updated = await consoleApi.setCover(session.id, contentType, dataBase64);
      onChanged(updated, t('cover.uploaded'));
    } catch (err) {
      setError(describeCoverError(t, err));
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  const handleFile = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again (after fixing it) fires a change.
    input.value = '';
    if (!file) return;
    setError(null);
    if (!isCoverMime(file.type)) {
      setError(t('cover.badType', { name: file.name }));
      return;
    }
    if (file.size > MAX_COVER_BYTES) {
      // Rounded up, so a file just over the limit never reads as "2 MB".
      const megabytes = Math.ceil((file.size / (1024 * 1024)) * 10) / 10;
      const size = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en', { maximumFractionDigits: 1 }).format(megabytes);
      setError(t('cover.tooLarge', { name: file.name, size }));
      return;
    }
    const contentType = file.type;
    const reader = new FileReader();
    readerRef.current = reader;
    setPhase({ kind: 'reading', percent: 0 });
    reader.onprogress = (progress) => {
      if (progress.lengthComputable) setPhase({ kind: 'reading', percent: Math.round((progress.loaded / progress.total) * 100) });
    };
    reader.onerror = () => {
      setError(t('cover.readFailed'));
      setPhase({ kind: 'idle' });
    };
    reader.onload = () => {
      readerRef.current = null;
      const result = typeof reader.result === 'string' ? reader.result : '';
      // A data: URL, "data:image/png;base64,<data>".
      const comma = result.indexOf(',');
      if (comma < 0) {
        setError(t('cover.readFailed'));
        setPhase({ kind: 'idle' });
        return;
      }
      void upload(contentType, result.slice(comma + 1));
    };
    reader.readAsDataURL(file);
  };

  const remove = async () => {
    setError(null);
    setPhase({ kind: 'removing' });
    try {
      const updated = await consoleApi.removeCover(session.id);
      onChanged(updated, t('cover.removed'));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  const previewFailed = src !== null && failedSrc === src;

  return (
    <section className="card detail-card" aria-labelledby={titleId}>
      <h2 className="card-title" id={titleId}>
        {t('cover.title')}
      </h2>
      <div className="cover-frame">
        {src && !previewFailed ? (
          <img
            className="cover-image"
            src={src}
            alt={t('cover.alt', { title: session.title })}
            data-testid="cover-preview"
            onError={() => { setFailedSrc(src); }}
          />
        ) : (
          <p className="cover-empty muted">
            {previewFailed
              ? session.status === 'draft'
                ? t('cover.previewDraft')
                : t('cover.previewFailed')
              : t('cover.none')}
          </p>
        )}
        {busy && (
          <div className="cover-busy" role="status" data-testid="cover-progress">
            {phase.kind === 'reading' ? (
              <>
                <progress max={100} value={phase.percent} aria-label={t('cover.reading', { percent: phase.percent })} />
                <span>{t('cover.reading', { percent: phase.percent })}</span>
              </>
            ) : (
              <>
                <progress aria-label={phase.kind === 'uploading' ? t('cover.uploading') : t('cover.removing')} />
                <span>{phase.kind === 'uploading' ? t('cover.uploading') : t('cover.removing')}</span>
              </>
            )}
          </div>
        )}
      </div>
      {error && (
        <p className="form-error cover-error" role="alert" data-testid="cover-error">
          {error}
        </p>
      )}
      {canWrite && (
        <>
          <div className="detail-actions">
            <label className={busy ? 'btn btn-sm file-button is-disabled' : 'btn btn-sm file-button'}>
              <input
                type="file"
                className="visually-hidden"
                accept={COVER_MIMES.join(',')}
                disabled={busy}
                data-testid="cover-input"
                onChange={handleFile}
              />
              {session.coverUrl ? t('cover.replace') : t('cover.upload')}
            </label>
            {session.coverUrl && (
              <button type="button" className="btn btn-sm btn-ghost" disabled={busy} data-testid="cover-remove" onClick={() => void remove()}>
                {t('cover.remove')}
              </button>
            )}
          </div>
          <p className="field-hint">{t('cover.hint')}</p>
        </>
      )}
    </section>
  );
}
