import { listHosts } from "../../services/hosts/list-hosts";
import { publicProcedure, router } from "../init";

export const hostRouter = router({
  /** The hosts (BOOCHAT_HOSTS_FILE, else `local`) with their state: reachable, worktrees, running tasks, load. */
  list: publicProcedure.query(({ ctx }) => listHosts(ctx)),
});
