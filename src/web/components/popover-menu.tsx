import { useEffect, useId, useRef, useState, type CSSProperties, type ReactNode } from 'react';

export interface PopoverItem {
  key: string;
  label: string;
  testId?: string;
  danger?: boolean;
  onSelect: () => void;
}

interface PopoverMenuProps {
  /** Accessible name of the trigger button. */
  label: string;
  /** What the trigger shows (defaults to the label). */
  trigger?: ReactNode;
  triggerClassName?: string;
  testId?: string;
  menuTestId?: string;
  /** A heading inside the menu. */
  title?: string;
  items: readonly PopoverItem[];
  disabled?: boolean;
}

const MENU_GAP = 4;

/** Fixed-position style beside the button (upwards in the lower part of the screen), or null when it is off screen. */
function placeNextTo(button: HTMLElement): CSSProperties | null {
  const rect = button.getBoundingClientRect();
  if (rect.bottom < 0 || rect.top > window.innerHeight || rect.width === 0) return null;
  const right = Math.max(8, window.innerWidth - rect.right);
  return rect.bottom > window.innerHeight * 0.6
    ? { position: 'fixed', right, bottom: window.innerHeight - rect.top + MENU_GAP }
    : { position: 'fixed', right, top: rect.bottom + MENU_GAP };
}

/**
 * A button with a small menu. The menu is `position: fixed` next to the button, so a scrolling
 * list (the chat) never clips it; it follows the button as the list scrolls and closes on an
 * outside click, Escape, a choice, or once the button is off screen.
 */
export function PopoverMenu({ label, trigger, triggerClassName = 'btn btn-sm', testId, menuTestId, title, items, disabled = false }: PopoverMenuProps) {
  const [position, setPosition] = useState<CSSProperties | null>(null);
  const anchor = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const open = position !== null;

  useEffect(() => {
    if (!open) return;
    const close = () => { setPosition(null); };
    const onPointer = (event: MouseEvent | TouchEvent) => {
      if (anchor.current && !anchor.current.contains(event.target as Node)) close();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        close();
        button.current?.focus();
      }
    };
    // The chat keeps scrolling under an open menu: follow the button, close once it is gone.
    const follow = () => {
      const next = button.current ? placeNextTo(button.current) : null;
      setPosition(next);
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('touchstart', onPointer, { passive: true });
    document.addEventListener('keydown', onKey);
    window.addEventListener('scroll', follow, true);
    window.addEventListener('resize', follow);
    anchor.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true });
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('touchstart', onPointer);
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('scroll', follow, true);
      window.removeEventListener('resize', follow);
    };
  }, [open]);

  const toggle = () => {
    setPosition(open || !button.current ? null : placeNextTo(button.current));
  };

  return (
    <div className="menu-anchor" ref={anchor}>
      <button
        ref={button}
        type="button"
        className={triggerClassName}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={trigger ? label : undefined}
        title={trigger ? label : undefined}
        data-testid={testId}
        disabled={disabled}
        onClick={toggle}
      >
        {trigger ?? label}
      </button>
      {position && (
        <div className="popover-menu" role="menu" id={menuId} style={position} data-testid={menuTestId}>
          {title && <p className="popover-title">{title}</p>}
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              role="menuitem"
              className={item.danger ? 'popover-item popover-danger' : 'popover-item'}
              data-testid={item.testId}
              onClick={() => {
                setPosition(null);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
