/** Small inline icons for the commerce UI (no emoji: not every system has an emoji font). */
const base = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export function CartIcon() {
  return (
    <svg {...base} className="icon">
      <circle cx="9" cy="20" r="1.5" />
      <circle cx="18" cy="20" r="1.5" />
      <path d="M2 3h3l2.6 12.2a1.5 1.5 0 0 0 1.5 1.2h8.8a1.5 1.5 0 0 0 1.5-1.2L21 7H6" />
    </svg>
  );
}

export function BoltIcon() {
  return (
    <svg {...base} fill="currentColor" stroke="none" className="icon">
      <path d="M13 2 4 14h6l-1 8 9-12h-6l1-8z" />
    </svg>
  );
}

export function GiftIcon() {
  return (
    <svg {...base} className="icon">
      <rect x="3" y="8" width="18" height="4" rx="1" />
      <path d="M12 8v13M19 12v8a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-8M7.5 8a2.5 2.5 0 0 1 0-5C11 3 12 8 12 8s1-5 4.5-5a2.5 2.5 0 0 1 0 5" />
    </svg>
  );
}

export function CheckIcon() {
  return (
    <svg {...base} className="icon">
      <path d="M20 6 9 17l-5-5" />
    </svg>
  );
}
