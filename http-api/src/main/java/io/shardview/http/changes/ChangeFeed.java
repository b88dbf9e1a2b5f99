package io.shardview.http.changes;

import io.shardview.entity.tenant.ChangeReplay;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/** Where change streams read a view's snapshot and retained history: the tenant entity, through sharding. */
@FunctionalInterface
public interface ChangeFeed {
    /** The view now (no {@code from}), or its changes after version {@code from}. */
    CompletionStage<ChangeReplay> replay(String tenant, String view, OptionalLong from);
}
