package io.shardview.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for one test (127.0.0.1:5432, trust auth), dropped at close,
 * with the journal settings that point a node at it.
 */
final class JournalDatabase implements AutoCloseable {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  final String name = "shardview_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  JournalDatabase() throws SQLException {
    admin("CREATE DATABASE " + name);
  }

  String url() {
    return SERVER + name;
  }

  /** Node settings for the cluster profile on this database. */
  Map<String, Object> settings() {
    return Map.of("shardview.journal.url", url(), "shardview.journal.user", "postgres");
  }

  long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), "postgres", "");
         Statement s = c.createStatement();
         var result = s.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER + "test", "postgres", "");
         Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
