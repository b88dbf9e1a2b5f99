package io.shardview.persistence;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The persistence ids that wrote at least one event to the node's journal, sorted: what exists, as the journal (the
 * source of truth) knows it. On LevelDB from the journal's own id map; on PostgreSQL through pekko-persistence-jdbc's
 * read journal ({@code currentPersistenceIds}, a scan of the distinct ids of the event table).
 */
public final class WrittenIds {
    private WrittenIds() {}

    /** The ids, sorted. */
    @SuppressWarnings("unchecked")
    public static CompletionStage<List<String>> list(ActorSystem<?> system, Duration timeout) {
        JournalSettings journal = new JournalSettings(system.settings().config());
        if (journal.isLocal()) {
            var actor = Persistence.get(system.classicSystem())
                    .journalFor(journal.plugin(), com.typesafe.config.ConfigFactory.empty());
            return Patterns.ask(actor, new GroupCommitLeveldbJournal.ListWrittenIds(), timeout)
                    .thenApply(ids -> (List<String>) ids);
        }
        return PersistenceQuery.get(system.classicSystem())
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
                .currentPersistenceIds()
                .runWith(Sink.seq(), system)
                .thenApply(ids -> ids.stream().sorted().toList());
    }
}
