/**
 * The server answers bad input as "Invalid input: title: must not be empty; repoPath: must be an
 * absolute path", and some refusals as "repoPath: repoPath: /x does not exist". A form shows each
 * next to its field, without the internal field name, as a sentence; what names no field of the
 * form stays a message of the whole form.
 */
export function splitFieldErrors<Field extends string>(message: string | null | undefined, fields: readonly Field[]): { byField: Partial<Record<Field, string>>; rest: string | null } {
  const byField: Partial<Record<Field, string>> = {};
  if (!message) return { byField, rest: null };
  const rest: string[] = [];
  const body = message.replace(/^Invalid input:\s*/, "");
  for (const part of body.split(/;\s+/)) {
    const field = fields.find((name) => part.startsWith(`${name}: `));
    if (!field) {
      rest.push(part);
      continue;
    }
    let text = part;
    while (text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
    const sentence = text.charAt(0).toUpperCase() + text.slice(1);
    byField[field] = byField[field] ? `${byField[field]} ${sentence}` : sentence;
  }
  return { byField, rest: rest.length > 0 ? rest.join("; ") : null };
}
