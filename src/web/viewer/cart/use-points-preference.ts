import { useCallback, useState } from 'react';

const KEY = 'onair.cart.usePoints';

function read(): boolean {
  try {
    return localStorage.getItem(KEY) !== '0';
  } catch {
    return true;
  }
}

/** Whether the buyer wants to redeem points (on by default), remembered across pages. */
export function usePointsPreference(): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState(read);
  const set = useCallback((v: boolean) => {
    setValue(v);
    try {
      localStorage.setItem(KEY, v ? '1' : '0');
    } catch {
      // Still applies on this page.
    }
  }, []);
  return [value, set];
}
