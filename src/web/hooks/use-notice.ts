import { useCallback, useState } from 'react';

export function useNotice(): [message: string | null, show: (message: string) => void, dismiss: () => void] {
  const [message, setMessage] = useState<string | null>(null);
  const show = useCallback((next: string) => { setMessage(next); }, []);
  const dismiss = useCallback(() => { setMessage(null); }, []);
  return [message, show, dismiss];
}
