package io.shardview.entity.tenant;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.pubsub.DistributedPubSub;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;

/**
 * View changes from the entities that publish them to the change streams that follow them, on any node: one topic
 * per tenant view, through Pekko's distributed pub-sub mediator (one actor per node; the nodes gossip which topics
 * have subscribers where). Delivery is at most once, so subscribers detect gaps by {@link ViewChange#previousVersion()}
 * and refill them from the entity's history.
 *
 * <p>A change to a view nobody follows costs one message to the node's mediator and a look-up there: no actor and no
 * registration per view, so the many views of the many tenants a node hosts cost nothing while nobody follows them,
 * and nothing is left behind when their tenant is passivated. The mediator keeps an actor per topic only while the
 * topic has subscribers on its node.
 *
 * <p>In an actor system that is not clustered (tests of one process), and while this node is its cluster's only member
 * (a single node, the first node before others join), changes go straight to this node's subscribers: no other node's
 * mediator can hold a subscriber then, and the message to the mediator was a thread hand-off and a look-up for each
 * change of every view, followed or not. A change sent either way around a join or a leave may overtake the one
 * before it; subscribers drop what they have and refill gaps, as they do for any change lost.
 */
public final class ViewTopics {
    /** The node's mediator, or null when the system is not clustered. */
    private final org.apache.pekko.actor.ActorRef mediator;
    /** This node's cluster, or null when the system is not clustered. */
    private final org.apache.pekko.cluster.Cluster cluster;
    /** Where the mediator's acknowledgements go: nobody waits for them. */
    private final org.apache.pekko.actor.ActorRef acks;
    /**
     * This node's region: each region's replica of a tenant publishes its changes to its own region's followers, so
     * a change stream hears each change once, from the replica of its own region (docs/regions.md).
     */
    private final String region;

    /** The subscribers on this node, by topic. */
    private final ConcurrentHashMap<String, Set<ActorRef<ViewChange>>> followers = new ConcurrentHashMap<>();

    public ViewTopics(ActorSystem<?> system) {
        var classic = Adapter.toClassic(system);
        boolean clustered =
                system.settings().config().getString("pekko.actor.provider").equals("cluster");
        this.mediator = clustered ? DistributedPubSub.get(classic).mediator() : null;
        this.cluster = clustered ? org.apache.pekko.cluster.Cluster.get(classic) : null;
        this.acks = Adapter.toClassic(system.ignoreRef());
        this.region = clustered
                ? org.apache.pekko.cluster.typed.Cluster.get(system)
                        .selfMember()
                        .dataCenter()
                : "default";
    }

    /** Sends a change to every subscriber of its view, on any node. */
    public void publish(ViewChange change) {
        String topic = name(change.tenant(), change.view());
        if (mediator != null && !alone()) {
            // No sender: a remote mediator cannot resolve this node's ignore ref and would warn once per change.
            mediator.tell(
                    new DistributedPubSubMediator.Publish(topic, change), org.apache.pekko.actor.ActorRef.noSender());
        } else {
            for (ActorRef<ViewChange> follower : followers.getOrDefault(topic, Set.of())) follower.tell(change);
        }
    }

    /** Whether this node is its cluster's only member (so every subscriber is one of {@link #followers}). */
    private boolean alone() {
        return cluster.state().members().size() <= 1;
    }

    /** Subscribes {@code subscriber} to a view's changes until it unsubscribes or stops. */
    public void subscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
        String topic = name(tenant, view);
        followers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(subscriber);
        if (mediator != null) {
            mediator.tell(new DistributedPubSubMediator.Subscribe(topic, Adapter.toClassic(subscriber)), acks);
        }
    }

    /** Stops delivering a view's changes to {@code subscriber}. */
    public void unsubscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
        String topic = name(tenant, view);
        followers.computeIfPresent(topic, (t, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
        if (mediator != null) {
            mediator.tell(new DistributedPubSubMediator.Unsubscribe(topic, Adapter.toClassic(subscriber)), acks);
        }
    }

    /** How many views this node's subscribers follow now. */
    public int size() {
        return followers.size();
    }

    private String name(String tenant, String view) {
        return "view-changes:" + region + ":" + tenant + ":" + view;
    }
}
