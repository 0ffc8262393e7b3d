import { z } from "zod";

/** "provider/model": a provider id without slashes or spaces, a slash, a model id without spaces. */
export const MODEL_REF_PATTERN = /^[^/\s]+\/\S+$/;

export const modelRefSchema = z.string().trim().regex(MODEL_REF_PATTERN, 'must be "provider/model"').max(200, "is too long");

export type ModelRef = { providerID: string; modelID: string };

/** `"provider/model"` split at its first slash, or null when either side is empty. */
export function parseModelRef(value: string): ModelRef | null {
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) return null;
  return { providerID: value.slice(0, slash), modelID: value.slice(slash + 1) };
}

export function formatModelRef(model: ModelRef): string {
  return `${model.providerID}/${model.modelID}`;
}
