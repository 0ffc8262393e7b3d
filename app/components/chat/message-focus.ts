// After "Create session" or "New tab" the user's next act is to write: the message box of the
// tab that mounts next takes the focus. A flag, not state: it concerns one mount, then it is spent.
let focusRequested = false;

export function focusNextMessageBox(): void {
  focusRequested = true;
}

export function takeMessageBoxFocusRequest(): boolean {
  const requested = focusRequested;
  focusRequested = false;
  return requested;
}
