"use client";

import type { TaskView } from "@/server/schemas/chat-event";
import { Button } from "../ui/button";

/**
 * The task's state in one polite status line: "Running opencode…" with Stop while it runs, and
 * when it ends a word for screen readers (the message log itself is not read out as it streams).
 */
export function RunStatus(props: { task: TaskView | undefined; running: boolean; agentName: string; stopping: boolean; onStop: (taskId: string) => void }) {
  const { task } = props;
  if (props.running && task) {
    return (
      <div className="flex items-center gap-3 text-sm text-zinc-700 dark:text-zinc-300">
        <span role="status" className="flex items-center gap-2">
          <span aria-hidden="true" className="inline-block h-2 w-2 animate-pulse rounded-full bg-indigo-600" />
          {task.status === "queued" ? "Starting" : "Running"} {props.agentName}…
        </span>
        <Button variant="danger" onClick={() => props.onStop(task.id)} disabled={props.stopping}>
          Stop
        </Button>
      </div>
    );
  }
  if (task?.status === "cancelled") {
    return (
      <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
        Stopped.
      </p>
    );
  }
  return (
    <p role="status" className="sr-only">
      {task?.status === "succeeded" ? `${props.agentName} finished its answer.` : ""}
    </p>
  );
}
