import { useRef } from "react";

const DIALOGS = '[role="dialog"], [role="alertdialog"]';

// The last element focused outside any dialog. A dialog whose own field takes the focus first
// (autoFocus), or one that replaces another (a confirmation turning into the block dialog),
// opens while nothing outside it has the focus: this is what it gives the focus back to.
let lastFocusOutsideDialogs: HTMLElement | null = null;
if (typeof document !== "undefined") {
  document.addEventListener(
    "focusin",
    (event) => {
      if (event.target instanceof HTMLElement && !event.target.closest(DIALOGS)) lastFocusOutsideDialogs = event.target;
    },
    true,
  );
}

const anotherDialogOpen = () => document.querySelector(`${DIALOGS}[data-state="open"]`) !== null;

/** What had the focus just before a dialog opened (read while it renders, so never inside it). */
function currentOpener(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Radix dialogs opened from state (no Dialog.Trigger) drop focus on the page body when they
 * close. This remembers what had focus when the dialog opened and gives it back on close, when
 * it is still on the page (a deleted session's button is not). The opener is read while the
 * dialog renders open for the first time, before any field in it takes the focus (autoFocus).
 */
export function useReturnFocus(open: boolean, options: { enabled?: boolean } = {}) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && typeof document !== "undefined") opener.current = currentOpener();
  wasOpen.current = open;
  const enabled = options.enabled ?? true;
  return {
    onCloseAutoFocus: (event: Event) => {
      // The opener may have gone with the dialog it was in (a confirmation replaced by the block dialog).
      const element = opener.current?.isConnected ? opener.current : lastFocusOutsideDialogs;
      opener.current = null;
      // Disabled (the action moved focus on purpose), or a following dialog holds the focus now
      // (unless the opener is in that dialog: Force's question gives it back to Force).
      if (!enabled || (anotherDialogOpen() && !element?.closest(`${DIALOGS}[data-state="open"]`))) {
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
