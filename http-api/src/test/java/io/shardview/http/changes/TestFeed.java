package io.shardview.http.changes;

import io.shardview.entity.tenant.ChangeHistory;
import io.shardview.entity.tenant.ChangeReplay;
import io.shardview.entity.tenant.ViewChange;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A one-view feed as the tenant entity will answer it: a multiset of rows plus a bounded history. */
final class TestFeed implements ChangeFeed {
    private final ChangeHistory history;
    private final List<List<Object>> rows = new ArrayList<>();
    private long version;

    TestFeed(int historyChanges) {
        history = new ChangeHistory(0, historyChanges, 1_000_000);
    }

    /** Applies the next change (one inserted row {@code value}) and returns it, unpublished. */
    synchronized ViewChange next(long value) {
        long previous = history.lastVersion();
        version++;
        ViewChange change = new ViewChange(
                "t",
                "v",
                version,
                previous,
                List.of("x"),
                List.of(List.<Object>of(value)),
                List.of(),
                "hash-" + version);
        history.append(change);
        rows.add(List.of(value));
        return change;
    }

    @Override
    public synchronized CompletionStage<ChangeReplay> replay(String tenant, String view, OptionalLong from) {
        if (!view.equals("v"))
            return CompletableFuture.completedFuture(new ChangeReplay.NotFound("view " + view + " does not exist"));
        ChangeReplay replay = from.isPresent()
                ? history.since(view, from.getAsLong())
                : new ChangeReplay.Snapshot(
                        view, version, history.lastVersion(), List.of("x"), List.copyOf(rows), "hash-" + version);
        return CompletableFuture.completedFuture(replay);
    }
}
