import { useEffect } from 'react';
import { CloseButton } from './close-button';

/** Short-lived success message; announced politely and dismissed after a while. */
export function Notice({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  useEffect(() => {
    if (!message) return;
    const timer = window.setTimeout(onDismiss, 6000);
    return () => { window.clearTimeout(timer); };
  }, [message, onDismiss]);
  if (!message) return null;
  return (
    <div className="notice" role="status" data-testid="notice">
      <span>{message}</span>
      <CloseButton onClose={onDismiss} />
    </div>
  );
}

/** A failed row action; stays until dismissed. */
export function ErrorBanner({ message, onDismiss, testId }: { message: string | null; onDismiss: () => void; testId: string }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId}>
      <span>{message}</span>
      <CloseButton onClose={onDismiss} />
    </div>
  );
}
