package io.shardview.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * What content each version of a view was served with, as readers polling it through several regions saw it: each
 * read's {@code version} and {@code hash} (docs/api.md: the hash of the view's whole content at that version),
 * recorded under the reader's name. A version served with two contents is two histories.
 */
final class ServedContents implements AutoCloseable {
    /** version -> hash -> the readers that were served that content at that version. */
    private final Map<Long, Map<String, Set<String>>> served = new ConcurrentSkipListMap<>();

    private final Map<String, Thread> readers = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

    /** Starts reader {@code who}, reading {@code viewUrl} over and over until stopped; failed reads are skipped. */
    void read(String who, String viewUrl) {
        AtomicBoolean on = new AtomicBoolean(true);
        running.put(who, on);
        Thread reader = new Thread(
                () -> {
                    while (on.get()) {
                        try {
                            HttpResponse<String> read = RegionNodes.get(viewUrl + "?limit=1");
                            if (read.statusCode() == 200) {
                                JsonNode view = RegionNodes.JSON.readTree(read.body());
                                served.computeIfAbsent(view.path("version").asLong(), v -> new ConcurrentHashMap<>())
                                        .computeIfAbsent(view.path("hash").asText(), h -> ConcurrentHashMap.newKeySet())
                                        .add(who);
                            }
                            Thread.sleep(10);
                        } catch (InterruptedException stop) {
                            return;
                        } catch (Exception unanswered) {
                            // the region is gone or refuses reads for now: nothing was served
                        }
                    }
                },
                "reader-" + who);
        readers.put(who, reader);
        reader.start();
    }

    /** Stops reader {@code who} and waits for its last read. */
    void stop(String who) throws InterruptedException {
        AtomicBoolean on = running.remove(who);
        if (on == null) return;
        on.set(false);
        readers.remove(who).join(30_000);
    }

    /** How many versions reader {@code who} was served. */
    int versionsServedTo(String who) {
        int n = 0;
        for (Map<String, Set<String>> contents : served.values()) {
            if (contents.values().stream().anyMatch(readers -> readers.contains(who))) n++;
        }
        return n;
    }

    /**
     * The versions that readers passing {@code among} were served with more than one content: version -> hash -> those
     * readers.
     */
    Map<Long, Map<String, Set<String>>> twoContents(Predicate<String> among) {
        Map<Long, Map<String, Set<String>>> conflicts = new TreeMap<>();
        served.forEach((version, contents) -> {
            Map<String, Set<String>> seen = new TreeMap<>();
            contents.forEach((hash, by) -> {
                Set<String> these = new java.util.TreeSet<>();
                for (String who : by) if (among.test(who)) these.add(who);
                if (!these.isEmpty()) seen.put(hash, these);
            });
            if (seen.size() > 1) conflicts.put(version, seen);
        });
        return conflicts;
    }

    @Override
    public void close() throws InterruptedException {
        for (String who : Set.copyOf(running.keySet())) stop(who);
    }
}
