import { useRef } from "react";

// The opener of the last dialog opened: a dialog that replaces another (a confirmation turning
// into the block dialog) opens while the body has focus, and returns focus to the first one's opener.
let lastOpener: HTMLElement | null = null;

const anotherDialogOpen = () => document.querySelector('[role="dialog"][data-state="open"], [role="alertdialog"][data-state="open"]') !== null;

/**
 * Radix dialogs opened from state (no Dialog.Trigger) drop focus on the page body when they
 * close. This remembers what had focus when the dialog opened and gives it back on close, when
 * it is still on the page (a deleted session's button is not).
 */
export function useReturnFocus(options: { enabled?: boolean } = {}) {
  const opener = useRef<HTMLElement | null>(null);
  const enabled = options.enabled ?? true;
  return {
    onOpenAutoFocus: () => {
      // Called before Radix moves focus into the dialog: the active element is still the opener.
      const active = document.activeElement;
      const own = active instanceof HTMLElement && active !== document.body ? active : null;
      opener.current = own ?? (lastOpener?.isConnected ? lastOpener : null);
      lastOpener = opener.current;
    },
    onCloseAutoFocus: (event: Event) => {
      const element = opener.current;
      opener.current = null;
      // Disabled (the action moved focus on purpose), or a following dialog holds the focus now.
      if (!enabled || anotherDialogOpen()) {
        event.preventDefault();
        return;
      }
      if (element?.isConnected) {
        event.preventDefault();
        element.focus();
      }
    },
  };
}
