package io.shardview.entity.tenant;

import io.shardview.entity.durability.JournalDurability;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.Describe;
import io.shardview.entity.tenant.TenantProtocol.ExecuteSql;
import io.shardview.entity.tenant.TenantProtocol.ExplainView;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import io.shardview.entity.tenant.TenantProtocol.Query;
import io.shardview.entity.tenant.TenantProtocol.QueryPlanned;
import io.shardview.entity.tenant.TenantProtocol.ReadRows;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ReplayChanges;
import io.shardview.entity.tenant.TenantProtocol.SetBudgets;
import io.shardview.entity.tenant.TenantProtocol.SetHome;
import io.shardview.entity.tenant.TenantProtocol.SqlPlanned;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * What the parts of one tenant entity share (its ingest, SQL requests, reads and regions): the actor, the tenant, its
 * settings, where view changes go, its place among the regions, and how it answers. One per entity incarnation.
 */
final class TenantContext {
    final ActorContext<Command> actor;
    final TimerScheduler<Command> timers;
    final String tenant;
    final TenantSettings settings;
    final ViewTopics topics;
    final TenantReplica replica;
    final EffectFactories<TenantEvent, TenantState> effects;
    final DurablePoint durability;
    /** At the home of a tenant in sync replication: what the other regions have journaled, and what waits for it. */
    final RegionConfirmations confirmations;

    private final LongSupplier lastSequenceNumber;

    TenantContext(
            ActorContext<Command> actor,
            TimerScheduler<Command> timers,
            String tenant,
            TenantSettings settings,
            ViewTopics topics,
            TenantReplica replica,
            EffectFactories<TenantEvent, TenantState> effects,
            LongSupplier lastSequenceNumber) {
        this.actor = actor;
        this.timers = timers;
        this.tenant = tenant;
        this.settings = settings;
        this.topics = topics;
        this.replica = replica;
        this.effects = effects;
        this.lastSequenceNumber = lastSequenceNumber;
        this.durability = new DurablePoint(actor.getSelf(), JournalDurability.get(actor.getSystem()));
        this.confirmations = new RegionConfirmations(replica::confirmWaited, replica::standingOthers);
    }

    /** The sequence number of the entity's last persisted event (its version: one event per version). */
    long lastSequenceNumber() {
        return lastSequenceNumber.getAsLong();
    }

    /** Answers {@code to}, in parts when the answer is too large for one remoting frame. */
    <T> void reply(ActorRef<T> to, T message) {
        LargeMessages.tell(actor.getSystem(), to, message);
    }

    /** Answers {@code to} now, changing nothing. */
    <T> Effect<TenantEvent, TenantState> answer(ActorRef<T> to, T message) {
        reply(to, message);
        return effects.none();
    }

    /** The 500 answer to a request a bug failed; nothing of it applied. */
    Refused internal(String incident) {
        return Refused.internal(tenant, incident);
    }

    /** Answers {@code command}'s requester (every batch, for a group of batches) with {@code refused}. */
    void answerFailed(Command command, Refused refused) {
        answerFailed(actor.getSystem(), command, refused);
    }

    /** As {@link #answerFailed(Command, Refused)}, from outside an entity's context. */
    static void answerFailed(ActorSystem<?> system, Command command, Refused refused) {
        if (command instanceof ExecuteSql sql) LargeMessages.tell(system, sql.replyTo(), refused);
        else if (command instanceof SqlPlanned p)
            LargeMessages.tell(system, p.request().replyTo(), refused);
        else if (command instanceof Query q) LargeMessages.tell(system, q.replyTo(), refused);
        else if (command instanceof QueryPlanned p)
            LargeMessages.tell(system, p.request().replyTo(), refused);
        else if (command instanceof ReadRows read) LargeMessages.tell(system, read.replyTo(), refused);
        else if (command instanceof Describe describe) LargeMessages.tell(system, describe.replyTo(), refused);
        else if (command instanceof ExplainView explain) LargeMessages.tell(system, explain.replyTo(), refused);
        else if (command instanceof SetBudgets set) LargeMessages.tell(system, set.replyTo(), refused);
        else if (command instanceof SetHome set) LargeMessages.tell(system, set.replyTo(), refused);
        else if (command instanceof TenantProtocol.SetReplication set)
            LargeMessages.tell(system, set.replyTo(), refused);
        else if (command instanceof TenantProtocol.SetClock set) LargeMessages.tell(system, set.replyTo(), refused);
        else if (command instanceof ReplayChanges replay) {
            LargeMessages.tell(system, replay.replyTo(), new ChangeReplay.Failed(refused.message(), (String)
                    refused.details().get("request_id")));
        } else if (command instanceof IngestMany ingest) {
            LargeMessages.tell(
                    system,
                    ingest.replyTo(),
                    new IngestResults(Collections.nCopies(ingest.batches().size(), refused)));
        }
    }

    private static final String CONFIRM_TIMER = "confirm-timeout";

    /**
     * The refusal of a write that too few other regions could confirm now (sync replication), or null: checked before
     * anything of the write is applied.
     */
    /** At a home that took over from a lost region: the refusal while its term is not yet journaled by a majority. */
    java.util.function.Supplier<Refused> termRefusal = () -> null;

    /**
     * Why this home takes no write now, or null: its region is cut off from a majority of the regions (automatic
     * failover may take its tenants), its new term is not yet journaled by a majority, or (sync replication) too few
     * other regions could confirm the write. Checked before anything of a write is applied.
     */
    Refused writesRefused() {
        Refused home = homeRefused();
        return home != null ? home : insufficientRegions();
    }

    /** As {@link #writesRefused}, for writes that sync replication does not hold (budgets, a move, a mode). */
    Refused homeRefused() {
        String cutOff = LostRegions.get(actor.getSystem()).cutOff();
        if (cutOff != null) return Refused.unavailable("tenant " + tenant + "'s home region " + cutOff);
        return termRefusal.get();
    }

    Refused insufficientRegions() {
        if (!confirmations.syncing()) return null;
        List<String> keepingUp = confirmations.keepingUp(
                replica.reachableOthers(), replica.settings().confirmTimeout().toMillis());
        if (keepingUp.size() >= confirmations.minRegions()) return null;
        replica.syncRefused();
        return Refused.insufficientRegions(tenant, confirmations.minRegions(), keepingUp);
    }

    /**
     * {@code answer} once the events up to {@code seqNr} are in the journals of as many other regions as the tenant's
     * sync replication asks (at once in async mode), in the order of the writes; if that takes longer than the confirm
     * timeout, {@code unconfirmed} instead. Either runs, once.
     */
    void whenConfirmed(long seqNr, Runnable answer, Runnable unconfirmed) {
        if (!confirmations.syncing() && !confirmations.waiting()) {
            answer.run(); // async: nothing waits
            return;
        }
        boolean[] answered = {false};
        confirmations.whenConfirmed(
                seqNr,
                () -> {
                    if (!answered[0]) answer.run();
                    answered[0] = true;
                },
                () -> {
                    if (!answered[0]) unconfirmed.run();
                    answered[0] = true;
                });
        if (confirmations.waiting() && !timers.isTimerActive(CONFIRM_TIMER)) {
            Duration every = replica.settings().confirmTimeout().dividedBy(4);
            timers.startTimerWithFixedDelay(CONFIRM_TIMER, new TenantProtocol.ConfirmTick(), every);
        }
    }

    /**
     * The confirm timer's tick: the answers waiting past the timeout are given up, the regions that have not confirmed
     * what answers wait for are reminded where the home is ({@link TenantReplica#remind}); the timer stops once none
     * wait.
     */
    void confirmTick(long version) {
        confirmations.recheck();
        confirmations.expire(replica.settings().confirmTimeout().toMillis());
        if (!confirmations.waiting()) {
            timers.cancel(CONFIRM_TIMER);
            return;
        }
        replica.remind(confirmations.behind(replica.reachableOthers()), lastSequenceNumber(), version);
    }

    /** The 504 of a write its home applied and too few regions confirmed in time. */
    Refused unconfirmed() {
        replica.syncUnconfirmed();
        return Refused.unconfirmed(
                tenant, confirmations.minRegions(), replica.settings().confirmTimeout());
    }

    /** Whether a request's deadline (epoch ms; 0: none) has passed. */
    static boolean expired(long deadlineMillis) {
        return deadlineMillis > 0 && System.currentTimeMillis() > deadlineMillis;
    }
}
