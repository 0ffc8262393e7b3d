import { z } from "zod";

/** A host's name (BOOCHAT_HOSTS_FILE, BOOCHAT_HOST_NAME): shown in the session header and named in errors. */
export const hostNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
