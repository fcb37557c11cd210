import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../api/api-client';
import { commerceApi } from '../../api/commerce-api';
import { PASS_RENEW_MARGIN_MS, passRenewDelay } from './flash-grab';

export interface FlashPassHandle {
  /** A pass good for a few seconds more, or null (then the grab goes with the cookie and CSRF token). */
  current: () => string | null;
  /** Forgets the pass (refused as invalid) and asks for a new one. */
  renew: () => void;
}

const RETRY_MS = 15_000;
/** A pass this close to its end is not sent (it could run out on the way). */
const SEND_MARGIN_MS = 3_000;

interface Held {
  viewerId: string;
  pass: string;
  /** When it runs out, on this browser's clock. */
  expiresAt: number;
}

/**
 * Keeps a flash pass for one sale while `viewerId` is set (a signed-in buyer who may grab):
 * asked for once, again a minute before it runs out, and again after the server refused it.
 * A pass that could not be had leaves the grab to the cookie: it never blocks buying.
 */
export function useFlashPass(sessionId: string, saleId: string, invite: string | null, viewerId: string | null): FlashPassHandle {
  const held = useRef<Held | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!viewerId) return;
    const controller = new AbortController();
    let timer: number | undefined;
    const later = (ms: number) => {
      timer = window.setTimeout(() => void ask(), ms);
    };
    const ask = async () => {
      const sentAt = Date.now();
      try {
        const r = await commerceApi.flashPass(sessionId, saleId, invite, controller.signal);
        // Its lifetime by the server's own clock, counted from when it was asked (errs early).
        const ttl = Date.parse(r.expiresAt) - r.now;
        held.current = { viewerId, pass: r.pass, expiresAt: sentAt + ttl };
        later(passRenewDelay(ttl));
      } catch (err) {
        if (controller.signal.aborted) return;
        // No such sale, over, or signed out: no pass to be had. Anything else: ask again later.
        if (isApiError(err) && err.status >= 400 && err.status < 500 && err.status !== 429) return;
        later(RETRY_MS);
      }
    };
    const cur = held.current;
    if (cur?.viewerId === viewerId && cur.expiresAt - Date.now() > PASS_RENEW_MARGIN_MS) later(cur.expiresAt - PASS_RENEW_MARGIN_MS - Date.now());
    else void ask();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [sessionId, saleId, invite, viewerId, generation]);

  const current = useCallback(() => {
    const cur = held.current;
    return cur && viewerId && cur.viewerId === viewerId && cur.expiresAt - Date.now() > SEND_MARGIN_MS ? cur.pass : null;
  }, [viewerId]);
  const renew = useCallback(() => {
    held.current = null;
    setGeneration((g) => g + 1);
  }, []);
  return { current, renew };
}
