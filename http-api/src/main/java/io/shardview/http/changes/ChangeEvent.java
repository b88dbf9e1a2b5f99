package io.shardview.http.changes;

import io.shardview.entity.tenant.ViewChange;
import io.shardview.http.ApiError;
import java.util.List;

/** What a change stream sends: a view snapshot, a change, a heartbeat, or a final error. */
sealed interface ChangeEvent {

    /** The whole view (first event of a stream started without {@code from}). */
    record Snapshot(long version, List<String> columns, List<List<Object>> rows, String hash) implements ChangeEvent {}

    /** One change of the view. */
    record Change(ViewChange change) implements ChangeEvent {}

    /** Nothing happened; keeps proxies and clients from timing the stream out. */
    record Heartbeat() implements ChangeEvent {}

    /** The stream ends with this error (slow consumer, history lost, view dropped). */
    record Failure(ApiError error) implements ChangeEvent {}
}
