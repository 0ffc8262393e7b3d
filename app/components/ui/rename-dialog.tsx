"use client";

import { Dialog } from "radix-ui";
import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "./button";
import { DialogFrame, FieldError, FormError, inputClass } from "./dialog-frame";
import { splitFieldErrors } from "./field-errors";

/** Asks for a new name; shows the server's error in the dialog instead of closing it. */
export function RenameDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  label: string;
  initialValue: string;
  onRename: (value: string) => Promise<unknown>;
}) {
  const inputId = useId();
  const [value, setValue] = useState(props.initialValue);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (props.open) {
      setValue(props.initialValue);
      setError(null);
    }
  }, [props.open, props.initialValue]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await props.onRename(value);
      props.onOpenChange(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  }

  const errors = splitFieldErrors(error, ["title"] as const);
  return (
    <DialogFrame open={props.open} onOpenChange={props.onOpenChange} title={props.title} description="Give it a name you will recognise.">
      <form onSubmit={submit}>
        <label htmlFor={inputId} className="mb-1 block text-sm font-medium">
          {props.label}
        </label>
        <input
          id={inputId}
          className={inputClass}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={errors.byField.title ? true : undefined}
          aria-describedby={errors.byField.title ? `${inputId}-error` : undefined}
          autoFocus
        />
        <FieldError id={`${inputId}-error`} message={errors.byField.title} />
        <FormError message={errors.rest} />
        <div className="mt-4 flex justify-end gap-2">
          <Dialog.Close asChild>
            <Button>Cancel</Button>
          </Dialog.Close>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}
