import { z } from "zod";

/** Ids are opaque strings; an empty or absurd one is bad input, a well-formed unknown one is NOT_FOUND. */
export const idSchema = z.string().trim().min(1, "must not be empty").max(100, "is too long");

export const titleSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");
