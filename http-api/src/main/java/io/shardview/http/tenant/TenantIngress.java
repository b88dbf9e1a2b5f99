package io.shardview.http.tenant;

import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.http.TenantEndpoints;
import io.shardview.entity.tenant.TenantCircuit.BatchRequest;
import io.shardview.entity.tenant.TenantCircuit.IngestReply;
import io.shardview.entity.tenant.TenantCircuit.IngestResults;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Group commit for ingest: per tenant, this node keeps at most one group of batches in flight to
 * the tenant's entity; batches that arrive meanwhile queue up and go together as the next group,
 * persisted in one journal write. A lone batch goes out at once, so group commit adds no latency
 * when the tenant is idle and turns one fsync per batch into one per group when it is busy.
 */
public final class TenantIngress {
  private sealed interface Message permits Submit, GroupDone {}

  private record Submit(BatchRequest batch, CompletableFuture<IngestReply> reply) implements Message {}

  private record GroupDone(List<CompletableFuture<IngestReply>> replies, IngestResults results, Throwable failure)
      implements Message {}

  private final ActorSystem<?> system;
  private final Duration askTimeout;
  private final int groupMaxOps;
  private final int queueMaxBatches;
  private final ConcurrentHashMap<String, ActorRef<Message>> tenants = new ConcurrentHashMap<>();

  /**
   * @param groupMaxOps ops per group, beyond which the queue waits for the next group
   * @param queueMaxBatches batches queued per tenant before new ones are refused as overload
   */
  public TenantIngress(ActorSystem<?> system, Duration askTimeout, int groupMaxOps, int queueMaxBatches) {
    this.system = system;
    this.askTimeout = askTimeout;
    this.groupMaxOps = groupMaxOps;
    this.queueMaxBatches = queueMaxBatches;
  }

  /** Submits one batch; completes with the entity's reply to it, or fails with {@link TenantEndpoints.Overloaded} when the queue is full. */
  public CompletionStage<IngestReply> submit(String tenant, BatchRequest batch) {
    CompletableFuture<IngestReply> reply = new CompletableFuture<>();
    tenants.computeIfAbsent(tenant, t -> system.systemActorOf(queue(t), "ingress-"
            + URLEncoder.encode(t, StandardCharsets.UTF_8), Props.empty()))
        .tell(new Submit(batch, reply));
    return reply;
  }

  private Behavior<Message> queue(String tenant) {
    return Behaviors.setup(context -> {
      ArrayDeque<Submit> waiting = new ArrayDeque<>();
      boolean[] inFlight = {false};
      Runnable sendNext = () -> {
        if (inFlight[0] || waiting.isEmpty()) return;
        List<BatchRequest> group = new ArrayList<>();
        List<CompletableFuture<IngestReply>> replies = new ArrayList<>();
        int ops = 0;
        while (!waiting.isEmpty() && (group.isEmpty() || ops + waiting.peek().batch().ops().size() <= groupMaxOps)) {
          Submit next = waiting.poll();
          group.add(next.batch());
          replies.add(next.reply());
          ops += next.batch().ops().size();
        }
        inFlight[0] = true;
        context.pipeToSelf(
            ClusterSharding.get(system).entityRefFor(TenantCircuit.ENTITY_KEY, tenant)
                .<IngestResults>ask(replyTo -> new TenantCircuit.IngestMany(group, replyTo), askTimeout),
            (results, failure) -> new GroupDone(replies, results, failure));
      };
      return Behaviors.receive(Message.class)
          .onMessage(Submit.class, submit -> {
            if (waiting.size() >= queueMaxBatches) {
              submit.reply().completeExceptionally(new TenantEndpoints.Overloaded(
                  "tenant " + tenant + " has " + waiting.size() + " batches waiting on this node"));
            } else {
              waiting.add(submit);
              sendNext.run();
            }
            return Behaviors.same();
          })
          .onMessage(GroupDone.class, done -> {
            for (int i = 0; i < done.replies().size(); i++) {
              if (done.failure() != null) {
                done.replies().get(i).completeExceptionally(done.failure());
              } else {
                done.replies().get(i).complete(done.results().replies().get(i));
              }
            }
            inFlight[0] = false;
            sendNext.run();
            return Behaviors.same();
          })
          .build();
    });
  }
}
