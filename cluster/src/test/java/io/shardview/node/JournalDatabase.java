package io.shardview.node;

import io.shardview.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for one test, on the tests' server ({@link TestPostgres}: 127.0.0.1:5432
 * when it answers, else an embedded one; trust auth), dropped at close, with the journal settings that point a
 * node at it.
 */
public final class JournalDatabase implements AutoCloseable {
    final String name =
            "shardview_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public JournalDatabase() throws SQLException {
        TestPostgres.createDatabase(name);
    }

    public String url() {
        return TestPostgres.url(name);
    }

    /** Node settings for the cluster profile on this database. */
    public Map<String, Object> settings() {
        return Map.of("shardview.journal.url", url(), "shardview.journal.user", TestPostgres.USER);
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(name);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(name);
                Statement s = c.createStatement();
                var result = s.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        TestPostgres.dropDatabase(name);
    }
}
