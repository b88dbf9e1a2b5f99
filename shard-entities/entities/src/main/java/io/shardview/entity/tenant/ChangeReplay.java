package io.shardview.entity.tenant;

import io.shardview.entity.CborSerializable;
import java.util.List;

/** The tenant entity's answer to "what happened to view v since version N" (or "what is v now"). */
public sealed interface ChangeReplay extends CborSerializable {

    /** The whole view at {@code version}: the first event of a stream without {@code from}. */
    record Snapshot(
            String view,
            long version,
            long lastChangeVersion,
            List<String> columns,
            List<List<Object>> rows,
            String hash)
            implements ChangeReplay {}

    /**
     * Every change after the requested version, in order, and the version the view's history had
     * reached when asked ({@code upTo}); empty when nothing changed.
     */
    record Changes(String view, List<ViewChange> changes, long upTo) implements ChangeReplay {}

    /** The requested version is older than the retained history; re-read the snapshot. */
    record Gone(String view, long requested, long oldestResumable) implements ChangeReplay {}

    /** No such tenant or view. */
    record NotFound(String message) implements ChangeReplay {}

    /** The entity failed on the request (a bug, logged under {@code requestId}): the stream does not start. */
    record Failed(String message, String requestId) implements ChangeReplay {}
}
