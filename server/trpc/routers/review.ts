import { reviewAddCommentInput, reviewCommentsInput, reviewRemoveCommentInput, reviewSendInput } from "../../schemas/review";
import { addReviewComment, listReviewComments, removeReviewComment } from "../../services/review/review-comments";
import { sendReview } from "../../services/review/send-review";
import { agentsOf } from "../../agents/runtime";
import { publicProcedure, router } from "../init";

/** Line comments on a session's changes, kept until sent to a tab's agent as one message. */
export const reviewRouter = router({
  comments: publicProcedure.input(reviewCommentsInput).query(({ ctx, input }) => listReviewComments(ctx.db, input.sessionId)),
  addComment: publicProcedure.input(reviewAddCommentInput).mutation(({ ctx, input }) => addReviewComment(ctx, input)),
  removeComment: publicProcedure.input(reviewRemoveCommentInput).mutation(({ ctx, input }) => removeReviewComment(ctx.db, input.id)),
  send: publicProcedure.input(reviewSendInput).mutation(({ ctx, input }) => sendReview({ db: ctx.db, agents: agentsOf(ctx) }, input)),
});
