import { createCallerFactory, router } from "../init";
import { arenaRouter } from "./arena";
import { chatRouter } from "./chat";
import { coderRouter } from "./coder";
import { hostRouter } from "./host";
import { reviewRouter } from "./review";
import { sessionRouter } from "./session";
import { sessionEventsRouter } from "./session-events";
import { skillsRouter } from "./skills";
import { taskRouter } from "./task";
import { worktreeRouter } from "./worktree";

export const appRouter = router({
  session: sessionRouter,
  chat: chatRouter,
  worktree: worktreeRouter,
  coder: coderRouter,
  task: taskRouter,
  skills: skillsRouter,
  arena: arenaRouter,
  review: reviewRouter,
  sessionEvents: sessionEventsRouter,
  host: hostRouter,
});

/** The API's type: import it (type only) to build a typed client in a script or the browser. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
