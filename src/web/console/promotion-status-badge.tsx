import type { ReactNode } from 'react';
import { ToneBadge, type BadgeTone } from '../components/tone-badge';

const TONES: Readonly<Record<string, BadgeTone>> = { active: 'ok', paused: 'warn', draft: 'info' };

/** The status of a promotion or a coupon template (draft, active, paused, ended) as a badge. */
export function PromotionStatusBadge({ status, testId, children }: { status: string; testId?: string; children: ReactNode }) {
  return (
    <ToneBadge tones={TONES} status={status} testId={testId}>
      {children}
    </ToneBadge>
  );
}
