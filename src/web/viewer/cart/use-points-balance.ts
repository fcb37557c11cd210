import { useEffect, useState } from 'react';
import { commerceApi } from '../../api/commerce-api';

/** The signed-in viewer's points (null while unknown or for guests): the points toggle shows only when there are some. */
export function usePointsBalance(signedIn: boolean): number | null {
  const [points, setPoints] = useState<number | null>(null);
  useEffect(() => {
    if (!signedIn) {
      setPoints(null);
      return;
    }
    const controller = new AbortController();
    commerceApi.wallet(controller.signal).then(
      (w) => { setPoints(w.points); },
      () => { setPoints(null); },
    );
    return () => {
      controller.abort();
    };
  }, [signedIn]);
  return points;
}
