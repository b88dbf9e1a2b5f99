package io.shardview.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The embedded PostgreSQL starts whoever runs the build (as root too, with or without user namespaces), is a
 * PostgreSQL 15 set up as the machine's (C.UTF-8, UTC, user postgres with trust), never runs as root, and is gone
 * with its data directory once closed. Runs twice (pom.xml): as is, and with unshare failing (the SETPRIV path).
 */
class EmbeddedPostgresTest {
    private static final long UID = new UnixSystem().getUid();

    @Test
    void startsAsThisUserCanAndBehavesAsTheMachinesServer() throws Exception {
        TestPostgres.Privileges privileges = TestPostgres.Privileges.current();
        if (Boolean.getBoolean("testsupport.unshare-disabled")) {
            assertEquals(
                    UID == 0 ? TestPostgres.Privileges.SETPRIV : TestPostgres.Privileges.UNPRIVILEGED,
                    privileges,
                    "with unshare failing, root drops to nobody itself");
        }
        EmbeddedPostgres pg = TestPostgres.start(privileges);
        Path data;
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/";
        try {
            try (Connection c = DriverManager.getConnection(url + "postgres", TestPostgres.USER, "");
                    Statement s = c.createStatement()) {
                assertTrue(
                        one(s, "SHOW server_version").startsWith("15."),
                        "PostgreSQL 15, as the differential tests expect");
                assertEquals("UTF8", one(s, "SHOW server_encoding"));
                assertEquals("C.UTF-8", one(s, "SELECT datcollate FROM pg_database WHERE datname = 'template1'"));
                assertEquals("Etc/UTC", one(s, "SHOW TimeZone"));
                data = Path.of(one(s, "SHOW data_directory"));
                long pid = Long.parseLong(one(s, "SELECT pg_backend_pid()"));
                long serverUid = uidOf(pid);
                switch (privileges) {
                    case UNPRIVILEGED -> assertEquals(UID, serverUid, "the server runs as the build's user");
                    case SETPRIV -> assertEquals(65534, serverUid, "the server runs as nobody");
                    case UNSHARE -> assertNotEquals(
                            Files.readSymbolicLink(Path.of("/proc/self/ns/user")),
                            Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")),
                            "the server runs in a user namespace of its own, where it is not root");
                    default -> throw new AssertionError(privileges);
                }
                // What the tests do with it: a database of its own, as PostgresMirror makes them.
                s.execute(
                        "CREATE DATABASE epg_check TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'");
            }
            try (Connection c = DriverManager.getConnection(url + "epg_check", TestPostgres.USER, "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (k INT PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO t VALUES (1, 'b'), (2, 'B'), (3, 'a')");
                assertEquals(
                        "B,a,b", one(s, "SELECT string_agg(v, ',' ORDER BY v) FROM t"), "C collation: bytes order");
                assertEquals("division by zero", assertFails(s, "SELECT 1 / (k - 1) FROM t"), "messages in English");
            }
        } finally {
            pg.close();
        }
        assertFalse(Files.exists(data), "the data directory is deleted at close");
        assertFalse(TestPostgres.answers("127.0.0.1", pg.getPort()), "the server stopped");
    }

    @Test
    void modeComesFromThePropertyThenTheEnvironment() {
        String before = System.getProperty(TestPostgres.MODE_PROPERTY);
        try {
            System.setProperty(TestPostgres.MODE_PROPERTY, "Embedded");
            assertEquals("embedded", TestPostgres.mode());
            System.setProperty(TestPostgres.MODE_PROPERTY, "auto");
            String env = System.getenv(TestPostgres.MODE_ENV);
            assertEquals(
                    env == null || env.isBlank() ? "auto" : env.trim().toLowerCase(Locale.ROOT),
                    TestPostgres.mode(),
                    "auto defers to the environment");
            System.clearProperty(TestPostgres.MODE_PROPERTY);
            assertEquals(
                    env == null || env.isBlank() ? "auto" : env.trim().toLowerCase(Locale.ROOT),
                    TestPostgres.mode(),
                    "no property: the environment, else auto");
        } finally {
            if (before == null) System.clearProperty(TestPostgres.MODE_PROPERTY);
            else System.setProperty(TestPostgres.MODE_PROPERTY, before);
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next(), sql);
            return r.getString(1);
        }
    }

    private static String assertFails(Statement s, String sql) {
        try {
            s.executeQuery(sql).close();
        } catch (SQLException e) {
            return e instanceof PSQLException p && p.getServerErrorMessage() != null
                    ? p.getServerErrorMessage().getMessage()
                    : e.getMessage();
        }
        throw new AssertionError("no error from " + sql);
    }

    private static long uidOf(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) return Long.parseLong(line.split("\\s+")[2]);
        }
        throw new AssertionError("no Uid in /proc/" + pid + "/status");
    }
}
