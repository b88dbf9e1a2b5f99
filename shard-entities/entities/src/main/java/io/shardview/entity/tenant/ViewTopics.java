package io.shardview.entity.tenant;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's pub-sub topics of view changes, one per tenant view, shared by the entities that
 * publish and the change streams that subscribe. Topics of the same name on every node form one
 * cluster-wide topic; delivery is at most once, so subscribers detect gaps by
 * {@link ViewChange#previousVersion()} and refill them from the entity's history.
 *
 * <p>A topic with no subscriber on this node that nothing was published to for {@code idleAfter}
 * is stopped (and leaves the cluster's receptionist), so a node that has seen many views keeps
 * topics only for the active ones. A change published just as its topic stops is lost like any
 * pub-sub message, and recovered the same way.
 */
public final class ViewTopics {
    private final ActorSystem<?> system;
    private final long idleNanos;
    private final ConcurrentHashMap<String, LocalTopic> topics = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();

    /** One topic actor, with the subscribers this node gave it and when it was last used. */
    private static final class LocalTopic {
        final ActorRef<Topic.Command<ViewChange>> actor;
        int subscribers;
        volatile long lastUsedNanos = System.nanoTime();

        LocalTopic(ActorRef<Topic.Command<ViewChange>> actor) {
            this.actor = actor;
        }
    }

    /** Topics that are never stopped (for tests of the stream alone). */
    public ViewTopics(ActorSystem<?> system) {
        this(system, Duration.ZERO);
    }

    /** @param idleAfter how long an unused topic lives on; zero keeps every topic */
    public ViewTopics(ActorSystem<?> system, Duration idleAfter) {
        this.system = system;
        this.idleNanos = idleAfter.toNanos();
        if (!idleAfter.isZero()) {
            Duration every = idleAfter.dividedBy(2);
            system.scheduler().scheduleWithFixedDelay(every, every, this::stopIdle, system.executionContext());
        }
    }

    /** Sends a change to every subscriber of its view, on any node. */
    public void publish(ViewChange change) {
        LocalTopic topic = topics.computeIfAbsent(name(change.tenant(), change.view()), this::start);
        topic.lastUsedNanos = System.nanoTime();
        topic.actor.tell(Topic.publish(change));
    }

    /** Subscribes {@code subscriber} to a view's changes; the topic drops it when it stops. */
    public void subscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
        LocalTopic topic = topics.compute(name(tenant, view), (name, existing) -> {
            LocalTopic used = existing == null ? start(name) : existing;
            used.subscribers++;
            used.lastUsedNanos = System.nanoTime();
            return used;
        });
        topic.actor.tell(Topic.subscribe(subscriber));
    }

    /** Stops delivering a view's changes to {@code subscriber}. */
    public void unsubscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
        LocalTopic topic = topics.computeIfPresent(name(tenant, view), (name, existing) -> {
            existing.subscribers = Math.max(0, existing.subscribers - 1);
            existing.lastUsedNanos = System.nanoTime();
            return existing;
        });
        if (topic != null) topic.actor.tell(Topic.unsubscribe(subscriber));
    }

    /** How many topic actors this node runs now. */
    public int size() {
        return topics.size();
    }

    private void stopIdle() {
        long now = System.nanoTime();
        for (String name : topics.keySet()) {
            LocalTopic[] stopped = {null};
            topics.computeIfPresent(name, (key, topic) -> {
                if (topic.subscribers > 0 || now - topic.lastUsedNanos < idleNanos) return topic;
                stopped[0] = topic;
                return null;
            });
            // A topic actor is a child of the system guardian: the classic system stops it.
            if (stopped[0] != null) Adapter.toClassic(system).stop(Adapter.toClassic(stopped[0].actor));
        }
    }

    private LocalTopic start(String name) {
        return new LocalTopic(system.systemActorOf(
                Topic.create(ViewChange.class, name),
                "topic-" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "-" + started.incrementAndGet(),
                Props.empty()));
    }

    private static String name(String tenant, String view) {
        return "view-changes:" + tenant + ":" + view;
    }
}
