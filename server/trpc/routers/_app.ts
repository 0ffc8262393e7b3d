import { createCallerFactory, router } from "../init";
import { chatRouter } from "./chat";
import { sessionRouter } from "./session";
import { worktreeRouter } from "./worktree";

export const appRouter = router({
  session: sessionRouter,
  chat: chatRouter,
  worktree: worktreeRouter,
});

/** The API's type: import it (type only) to build a typed client in a script or the browser. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
