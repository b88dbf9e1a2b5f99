package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant's group-commit queue on a node goes away when the tenant is idle and comes back with the next batch. */
class TenantIngressIdleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anIdleTenantsQueueStopsAndTheNextBatchStartsANewOne(@TempDir Path dir) throws Exception {
    ShardviewNode node = TenantNodes.start(dir, Map.of("shardview.tenant.group-commit.idle-after", "300ms"));
    try {
      String base = node.url() + "/v1/tenants/quiet";
      assertEquals(200, post(node, base + "/sql", "application/sql", "CREATE TABLE t (x INT)"));
      assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"x\":1}}"));
      assertEquals(1, queues(node), "the tenant's queue runs after an ingest");

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (queues(node) > 0 && System.nanoTime() < deadline) Thread.sleep(100);
      assertEquals(0, queues(node), "the idle queue stopped");

      assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"x\":2}}"));
      assertEquals(1, queues(node), "the next batch started a new queue");
      var table = JSON.readTree(TestNodes.get(node, "/v1/tenants/quiet/tables/t").body());
      assertEquals(2, table.get("count").asLong());
      assertEquals(3, table.get("version").asLong());
    } finally {
      node.stop();
    }
  }

  private static int post(ShardviewNode node, String url, String type, String body) {
    return TestNodes.send(node, HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode();
  }

  /** How many ingress actors of tenant "quiet" are alive on the node. */
  private static int queues(ShardviewNode node) throws Exception {
    var system = Adapter.toClassic(node.system());
    ActorSelection selection = system.actorSelection("/system/ingress-quiet-*");
    var replies = new java.util.concurrent.CopyOnWriteArrayList<ActorIdentity>();
    // Identify every match; each live actor answers, and a selection with no match answers nothing.
    var probe = ((org.apache.pekko.actor.ExtendedActorSystem) system).systemActorOf(
        org.apache.pekko.actor.Props.create(Collector.class, () -> new Collector(replies)), "probe-" + System.nanoTime());
    selection.tell(new Identify("q"), probe);
    Thread.sleep(300);
    system.stop(probe);
    return (int) replies.stream().filter(r -> r.getActorRef().isPresent()).count();
  }

  /** Collects the identities the selection's actors send back. */
  static final class Collector extends org.apache.pekko.actor.AbstractActor {
    private final java.util.List<ActorIdentity> replies;

    Collector(java.util.List<ActorIdentity> replies) {
      this.replies = replies;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder().match(ActorIdentity.class, replies::add).build();
    }
  }
}
