package io.shardview.entity.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.metrics.rules.Notification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to the Alertmanagers of {@code shardview.rules.alertmanager-urls}, as Prometheus's notifier does: a
 * queue per node (its oldest dropped past {@code max-pending-notifications}), batches of up to 64 alerts posted to
 * every Alertmanager's {@code /api/v2/alerts} one batch at a time, each post given 10 seconds. A batch that an
 * Alertmanager refuses or does not answer is not tried again: the alert's next resend, a minute later by default and
 * well before its {@code endsAt}, makes up for it. Each post names its tenant in {@code X-Scope-OrgID}, as Mimir's
 * ruler does for a multi-tenant Alertmanager; a plain Alertmanager ignores it.
 */
public final class AlertNotifier implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BATCH = 64;

    private record Pending(String tenant, Notification alert) {}

    private final List<String> urls;
    private final int capacity;
    private final HttpClient client;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean sending;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private AlertNotifier(RulesSettings settings) {
        this.urls = settings.alertmanagerUrls();
        this.capacity = settings.maxPendingNotifications();
        this.client = urls.isEmpty()
                ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The node's notifier. */
    public static AlertNotifier get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** Queues a tenant's alerts for every Alertmanager; nothing when none is configured. */
    public void send(String tenant, List<Notification> alerts) {
        if (client == null || alerts.isEmpty()) return;
        synchronized (queue) {
            for (Notification alert : alerts) {
                if (queue.size() >= capacity) {
                    queue.poll();
                    dropped.incrementAndGet();
                }
                queue.add(new Pending(tenant, alert));
            }
            if (sending) return;
            sending = true;
        }
        next();
    }

    /** Alerts posted (counted once per Alertmanager that took them), dropped from a full queue, and failed posts. */
    public long[] counts() {
        return new long[] {sent.get(), dropped.get(), errors.get()};
    }

    /** Posts the next batch (alerts of one tenant), then the one after, until the queue is empty. */
    private void next() {
        List<Notification> batch = new ArrayList<>();
        String tenant;
        synchronized (queue) {
            if (queue.isEmpty()) {
                sending = false;
                return;
            }
            tenant = queue.peek().tenant();
            while (!queue.isEmpty()
                    && batch.size() < MAX_BATCH
                    && queue.peek().tenant().equals(tenant)) {
                batch.add(queue.poll().alert());
            }
        }
        byte[] body = body(batch);
        List<java.util.concurrent.CompletableFuture<?>> posts = new ArrayList<>();
        for (String url : urls) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Scope-OrgID", tenant)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            posts.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, error) -> {
                        if (error == null && response.statusCode() / 100 == 2) {
                            sent.addAndGet(batch.size());
                        } else {
                            errors.incrementAndGet();
                            LOG.warn(
                                    "Alertmanager {} did not take {} alerts of tenant {}: {}",
                                    url,
                                    batch.size(),
                                    tenant,
                                    error != null ? error.toString() : "status " + response.statusCode());
                        }
                        return null;
                    }));
        }
        java.util.concurrent.CompletableFuture.allOf(posts.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                .whenComplete((v, e) -> next());
    }

    /** Alertmanager's v2 form of the alerts. */
    static byte[] body(List<Notification> alerts) {
        ArrayNode array = JSON.createArrayNode();
        for (Notification alert : alerts) {
            ObjectNode a = array.addObject();
            alert.labels().forEach(a.putObject("labels")::put);
            alert.annotations().forEach(a.putObject("annotations")::put);
            if (alert.startsAt() != 0)
                a.put("startsAt", Instant.ofEpochMilli(alert.startsAt()).toString());
            if (alert.endsAt() != 0)
                a.put("endsAt", Instant.ofEpochMilli(alert.endsAt()).toString());
            a.put("generatorURL", alert.generatorURL());
        }
        try {
            return JSON.writeValueAsBytes(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The extension's id. */
    private static final class Id extends ExtensionId<AlertNotifier> {
        static final Id INSTANCE = new Id();

        @Override
        public AlertNotifier createExtension(ActorSystem<?> system) {
            return new AlertNotifier(RulesSettings.from(system.settings().config()));
        }
    }
}
