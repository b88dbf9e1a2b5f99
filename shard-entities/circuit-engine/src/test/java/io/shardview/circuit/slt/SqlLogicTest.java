package io.shardview.circuit.slt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.PostgresMirror;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * SQLite's sqllogictest scripts (select1-5 and a seeded sample of random/, from the {@code net.hydromatic:sql-logic-test}
 * jar) run as views, each script in a circuit of its own fed in three batches ({@link SltRunner}): no view may give
 * a wrong result. What the engine refuses is counted and printed, with its reasons, and written to
 * target/sqllogictest.txt.
 *
 * <p>By default a bounded sample: the first {@code slt.queries} (150) queries of each select file and of
 * {@code slt.random} (8) random/ files chosen with seed {@code slt.seed} (1); {@code -Dslt.selectsWhole=true} takes
 * every query of select1-5. {@code -Dslt.all=true} runs every query of select1-5 and of every random/ file
 * (bench/sqllogictest); {@code -Dslt.threads=N} runs N scripts at a time; {@code -Dslt.scripts=a,b} runs only the
 * scripts named (as {@code test/random/expr/slt_good_1.test}). Each script's time and totals go to stderr as it ends.
 */
class SqlLogicTest {
    private static final String[] SELECTS = {
        "test/select1.test", "test/select2.test", "test/select3.test", "test/select4.test", "test/select5.test"
    };

    @Test
    void everyViewTheEngineAcceptsAnswersAsTheScriptsExpect() throws IOException {
        boolean all = Boolean.getBoolean("slt.all");
        int queries = all ? Integer.MAX_VALUE : Integer.getInteger("slt.queries", 150);
        int selectQueries = all || Boolean.getBoolean("slt.selectsWhole") ? Integer.MAX_VALUE : queries;
        List<String> scripts = new ArrayList<>(List.of(SELECTS));
        List<String> random = randomScripts();
        if (!all) {
            Collections.shuffle(random, new Random(Long.getLong("slt.seed", 1)));
            random = random.subList(0, Math.min(Integer.getInteger("slt.random", 8), random.size()));
        }
        scripts.addAll(random);
        String named = System.getProperty("slt.scripts", "");
        if (!named.isBlank()) scripts = List.of(named.split(","));
        List<SltRunner.Result> results = run(scripts, selectQueries, queries, Integer.getInteger("slt.threads", 1));
        String report = report(results);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/sqllogictest.txt"), report);
        List<String> wrong = new ArrayList<>();
        int run = 0;
        for (SltRunner.Result r : results) {
            wrong.addAll(r.wrong);
            run += r.right + r.wrong.size();
        }
        assertTrue(run > 0, "no view was checked");
        assertEquals(List.of(), wrong, wrong.size() + " wrong results");
    }

    /**
     * Each script in a circuit of its own, by {@code threads} workers (each with its own PostgreSQL database), the
     * results in the scripts' order.
     */
    private static List<SltRunner.Result> run(List<String> scripts, int selectQueries, int queries, int threads) {
        SltRunner.Result[] results = new SltRunner.Result[scripts.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        Runnable worker = () -> {
            try (PostgresMirror pg = new PostgresMirror()) {
                for (int i = next.getAndIncrement(); i < scripts.size(); i = next.getAndIncrement()) {
                    String name = scripts.get(i);
                    String text;
                    try (InputStream in = SqlLogicTest.class.getClassLoader().getResourceAsStream(name)) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    pg.reset();
                    int limit = name.startsWith("test/select") ? selectQueries : queries;
                    long start = System.nanoTime();
                    SltRunner.Result result;
                    try {
                        result = SltRunner.run(SltScript.parse(name, text), new Circuit(), limit, postgres(pg));
                    } catch (RuntimeException | AssertionError e) {
                        // Something the engine threw (a bug): the script counts as wrong, and the others still run.
                        result = new SltRunner.Result(name);
                        java.io.StringWriter trace = new java.io.StringWriter();
                        e.printStackTrace(new java.io.PrintWriter(trace));
                        result.wrong.add(name + ": the run stopped with " + trace);
                    }
                    result.millis = (System.nanoTime() - start) / 1_000_000;
                    results[i] = result;
                    System.err.printf(
                            "sqllogictest %d/%d %s: %d queries, %d wrong, %.1f s%n",
                            done.incrementAndGet(),
                            scripts.size(),
                            name,
                            result.queries,
                            result.wrong.size(),
                            result.millis / 1000.0);
                }
            } catch (SQLException | IOException e) {
                throw new IllegalStateException(e);
            }
        };
        if (threads <= 1) {
            worker.run();
        } else {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) workers.add(pool.submit(worker));
                for (java.util.concurrent.Future<?> w : workers) w.get();
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
        }
        return List.of(results);
    }

    /** PostgreSQL answers through a mirror database; a failing statement or query is a "no". */
    private static SltRunner.Postgres postgres(PostgresMirror pg) {
        return new SltRunner.Postgres() {
            @Override
            public void setup(String sql) {
                try {
                    pg.execute(sql);
                } catch (SQLException e) {
                    // a setup statement PostgreSQL refuses leaves its queries to fail there too
                }
            }

            @Override
            public boolean runs(String query) {
                return succeeds(query);
            }

            @Override
            public List<List<Object>> rows(String query) {
                try {
                    return pg.orderedRows(query);
                } catch (SQLException e) {
                    return null;
                }
            }

            private boolean succeeds(String sql) {
                try {
                    pg.rows(sql);
                    return true;
                } catch (SQLException e) {
                    return false;
                }
            }
        };
    }

    private static List<String> randomScripts() throws IOException {
        URL url = SqlLogicTest.class.getClassLoader().getResource("test/select1.test");
        List<String> out = new ArrayList<>();
        try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
            for (JarEntry e : Collections.list(jar.entries())) {
                if (e.getName().startsWith("test/random/") && e.getName().endsWith(".test")) out.add(e.getName());
            }
        }
        Collections.sort(out);
        return out;
    }

    static String report(List<SltRunner.Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%-48s %7s %7s %7s %7s %7s %9s %8s%n",
                "script", "queries", "right", "wrong", "refused", "failed", "batch ms", "s"));
        int queries = 0;
        int right = 0;
        int wrong = 0;
        int refused = 0;
        int failed = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        for (SltRunner.Result r : results) {
            out.append(String.format(
                    "%-48s %7d %7d %7d %7d %7d %9d %8.1f%s%n",
                    r.script,
                    r.queries,
                    r.right,
                    r.wrong.size(),
                    r.refusedCount(),
                    r.failedCount(),
                    r.maxBatchMillis,
                    r.millis / 1000.0,
                    r.notRun == null ? "" : "  not run: " + r.notRun));
            queries += r.queries;
            right += r.right;
            wrong += r.wrong.size();
            refused += r.refusedCount();
            failed += r.failedCount();
            r.refused.forEach((k, v) -> reasons.merge("refused: " + k, v, Integer::sum));
            r.failed.forEach((k, v) -> reasons.merge("failed: " + k, v, Integer::sum));
            r.examples.forEach((k, v) -> examples.putIfAbsent(k, r.script + ": " + v));
        }
        out.append(String.format(
                "%-48s %7d %7d %7d %7d %7d%n",
                "all " + results.size() + " scripts", queries, right, wrong, refused, failed));
        int refusedByPostgres =
                results.stream().mapToInt(r -> r.refusedByPostgres).sum();
        int failedInPostgres =
                results.stream().mapToInt(r -> r.failedInPostgres).sum();
        int asPostgres = results.stream().mapToInt(r -> r.differAsPostgres).sum();
        out.append(String.format(
                "refused %d (%.2f%%), of which PostgreSQL refuses %d too: the engine alone refuses %.2f%% of queries%n"
                        + "failed at a batch %d (%.2f%%), of which PostgreSQL fails %d too%n"
                        + "right: %d as SQLite answers, %d more as PostgreSQL answers where it differs from SQLite%n",
                refused,
                100.0 * refused / Math.max(1, queries),
                refusedByPostgres,
                100.0 * (refused - refusedByPostgres) / Math.max(1, queries),
                failed,
                100.0 * failed / Math.max(1, queries),
                failedInPostgres,
                right - asPostgres,
                asPostgres));
        reasons.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> out.append(String.format(
                        "%6d  %s%n        e.g. %s%n", e.getValue(), e.getKey(), examples.get(e.getKey()))));
        for (SltRunner.Result r : results) {
            for (String w : r.wrong) out.append("WRONG ").append(w).append('\n');
        }
        return out.toString();
    }
}
