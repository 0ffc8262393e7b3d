#!/usr/bin/env node
// The `boochat` command: runs the TypeScript CLI in cli/ through tsx, from any current folder.
import { tsImport } from "tsx/esm/api";

await tsImport("../cli/main.ts", import.meta.url);
