/**
 * Writes messages as they grow, one row per message id, never two writes of one message at once
 * (a write asked for while one runs is folded into one more write after it). Streamed text is
 * batched: a SQLite commit blocks the process, and one per token would slow the very stream it
 * records, so `writeSoon` writes at most every `batchMs`; everything else is written at once.
 */
export type MessageWriter = {
  /** Writes the message now (or right after the write under way); resolves when it is on disk. */
  write(id: string): Promise<void>;
  /** Writes the message within `batchMs`, together with whatever else it gains meanwhile. */
  writeSoon(id: string): void;
};

type Slot = { writing: Promise<void> | null; later: NodeJS.Timeout | null; dirty: boolean };

export function createMessageWriter(options: {
  /** Writes the message's current content (the writer asks at write time, so a write holds the latest). */
  save(id: string): Promise<void>;
  batchMs: number;
  log?: (line: string) => void;
}): MessageWriter {
  const slots = new Map<string, Slot>();

  function slotOf(id: string): Slot {
    let slot = slots.get(id);
    if (!slot) {
      slot = { writing: null, later: null, dirty: false };
      slots.set(id, slot);
    }
    return slot;
  }

  function write(id: string): Promise<void> {
    const slot = slotOf(id);
    if (slot.later) {
      clearTimeout(slot.later);
      slot.later = null;
    }
    if (slot.writing) {
      slot.dirty = true;
      return slot.writing;
    }
    slot.writing = (async () => {
      do {
        slot.dirty = false;
        try {
          await options.save(id);
        } catch (error) {
          options.log?.(`could not store message ${id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (slot.dirty);
    })().finally(() => {
      slot.writing = null;
      if (!slot.later) slots.delete(id);
    });
    return slot.writing;
  }

  return {
    write,
    writeSoon(id) {
      const slot = slotOf(id);
      if (slot.later) return;
      slot.later = setTimeout(() => {
        slot.later = null;
        void write(id);
      }, options.batchMs);
    },
  };
}
