"use client";

import { useState } from "react";
import { useActivity } from "../activity/activity-provider";
import { BlockDialog } from "./block-dialog";
import { ConfirmDeleteSession, ConfirmForceDelete, type SessionRef } from "./delete-confirmations";
import type { Flow } from "./delete-flow-state";
import { forceQuestion, useBlockDialogActions, type BlockDialogActions, type ForceQuestion } from "./use-block-dialog-actions";
import { useDeleteRequest, type DeleteRequest } from "./use-delete-request";

/**
 * Delete a session through the gate. It asks first; a refusal opens the block dialog, where Stash
 * re-checks and deletes when nothing blocks any more, Stop agents stops them and tries again, and
 * Force asks once more, then skips the check. Every delete ends with a toast saying where the work is.
 */
export function useDeleteSessionFlow(options: { selectedId: string | null }) {
  const activity = useActivity();
  const [flow, setFlow] = useState<Flow>({ step: "idle" });
  const request = useDeleteRequest({ selectedId: options.selectedId, setFlow });
  const blocked = flow.step === "blocked" ? flow : null;
  const actions = useBlockDialogActions({ blocked, setFlow, request });

  const dialog = deleteSessionDialogs({
    flow,
    running: flow.step === "confirm" && activity.sessionRunning(flow.session.id),
    busy: request.pending || actions.busy,
    close: () => setFlow({ step: "idle" }),
    attempt: request.attempt,
    actions,
    force: forceQuestion(blocked, setFlow, request),
  });

  return {
    requestDelete: (session: SessionRef) => setFlow({ step: "confirm", session, error: null }),
    pending: request.pending,
    dialog,
  };
}

/**
 * The flow's three questions, in the order they stack: Delete session?, the block dialog, and
 * Force's second question over it. A plain function rather than a component, so the elements
 * (and the dialogs' focus handling) are exactly those the hook rendered inline before.
 */
function deleteSessionDialogs(props: {
  flow: Flow;
  running: boolean;
  busy: boolean;
  close: () => void;
  attempt: DeleteRequest["attempt"];
  actions: BlockDialogActions;
  force: ForceQuestion;
}) {
  const { flow, busy, actions, force } = props;
  const blocked = flow.step === "blocked" ? flow : null;
  return (
    <>
      <ConfirmDeleteSession
        session={flow.step === "confirm" ? flow.session : null}
        running={props.running}
        busy={busy}
        error={flow.step === "confirm" ? flow.error : null}
        onConfirm={() => flow.step === "confirm" && void props.attempt(flow.session, {}, null)}
        onCancel={props.close}
      />
      <BlockDialog
        state={blocked?.block ?? null}
        busy={busy || actions.exits.busy}
        error={blocked?.error ?? null}
        onCancel={props.close}
        onCommit={actions.onCommit}
        onStash={() => void actions.onStash()}
        onStopAgents={() => void actions.onStopAgents()}
        onForce={force.ask}
        onPush={() => void actions.exits.onPush()}
        onRefresh={() => void actions.exits.onRefresh()}
        pullRequest={actions.exits.pullRequest}
        covered={blocked?.askingForce ?? false}
      />
      <ConfirmForceDelete
        open={force.open}
        title={blocked?.session.title ?? ""}
        paths={force.paths}
        agentsRunning={(blocked?.block.runningTasks.length ?? 0) > 0}
        busy={busy}
        onConfirm={force.confirm}
        onCancel={force.cancel}
      />
    </>
  );
}
