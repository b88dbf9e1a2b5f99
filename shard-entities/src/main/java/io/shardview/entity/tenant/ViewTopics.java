package io.shardview.entity.tenant;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's pub-sub topics of view changes, one per tenant view, shared by the entities that
 * publish and the change streams that subscribe. Topics of the same name on every node form one
 * cluster-wide topic; delivery is at most once, so subscribers detect gaps by
 * {@link ViewChange#previousVersion()} and refill them from the entity's history.
 */
public final class ViewTopics {
  private final ActorSystem<?> system;
  private final ConcurrentHashMap<String, ActorRef<Topic.Command<ViewChange>>> topics = new ConcurrentHashMap<>();

  public ViewTopics(ActorSystem<?> system) {
    this.system = system;
  }

  /** The local topic actor of {@code tenant}'s view {@code view}, started on first use. */
  public ActorRef<Topic.Command<ViewChange>> topic(String tenant, String view) {
    String name = "view-changes:" + tenant + ":" + view;
    return topics.computeIfAbsent(name, topicName -> system.systemActorOf(
        Topic.create(ViewChange.class, topicName),
        "topic-" + URLEncoder.encode(topicName, StandardCharsets.UTF_8),
        Props.empty()));
  }

  /** Sends a change to every subscriber of its view, on any node. */
  public void publish(ViewChange change) {
    topic(change.tenant(), change.view()).tell(Topic.publish(change));
  }

  /** Subscribes {@code subscriber} to a view's changes; the topic drops it when it stops. */
  public void subscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
    topic(tenant, view).tell(Topic.subscribe(subscriber));
  }

  /** Stops delivering a view's changes to {@code subscriber}. */
  public void unsubscribe(String tenant, String view, ActorRef<ViewChange> subscriber) {
    topic(tenant, view).tell(Topic.unsubscribe(subscriber));
  }
}
