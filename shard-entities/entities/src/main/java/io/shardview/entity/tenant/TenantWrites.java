package io.shardview.entity.tenant;

import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.tenant.TenantProtocol.BudgetsReply;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.ExecuteSql;
import io.shardview.entity.tenant.TenantProtocol.Forwarded;
import io.shardview.entity.tenant.TenantProtocol.HomeMoved;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ReplicationReply;
import io.shardview.entity.tenant.TenantProtocol.SetBudgets;
import io.shardview.entity.tenant.TenantProtocol.SetHome;
import io.shardview.entity.tenant.TenantProtocol.SetReplication;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Where a write (SQL, a group of batches, budgets, a home move) goes: applied by this replica when its region is the
 * tenant's home, else sent on to the home replica, which answers the requester, or refused when the home cannot be
 * reached. A replica that does not know the home asks the other regions first, and the write waits for their answers.
 */
final class TenantWrites {
    private final TenantContext tenant;
    private final TenantSqlRequests sql;
    private final TenantIngest ingest;
    private final TenantFollowing following;
    private final IngestInbox inbox;
    private final TenantFailover failover;

    private final TenantClock clock;

    TenantWrites(
            TenantContext tenant,
            TenantSqlRequests sql,
            TenantIngest ingest,
            TenantFollowing following,
            IngestInbox inbox,
            TenantFailover failover,
            TenantClock clock) {
        this.tenant = tenant;
        this.clock = clock;
        this.sql = sql;
        this.ingest = ingest;
        this.following = following;
        this.inbox = inbox;
        this.failover = failover;
    }

    /** A write reaching this replica, forwarded {@code hops} times already. */
    Effect<TenantEvent, TenantState> write(TenantState state, Command write, int hops) {
        if (following.waitingForHome()) return tenant.effects.stash();
        TenantReplica replica = tenant.replica;
        String home = replica.home(state, tenant.lastSequenceNumber());
        if (home == null) {
            boolean fresh = replica.answeredWithin(replica.settings().syncInterval());
            if (replica.lookup == TenantReplica.Lookup.UNDECIDED && fresh) {
                tenant.answerFailed(
                        write,
                        Refused.unavailable("cannot tell whether tenant " + tenant.tenant
                                + " exists in another region: some region did not answer"));
                return tenant.effects.none();
            }
            if (replica.verifying(state, tenant.lastSequenceNumber())) {
                replica.startLookup(false); // home by its events: it asks the others whether a failover took its place
                return tenant.effects.stash();
            }
            if (write instanceof ExecuteSql || !(replica.lookup == TenantReplica.Lookup.ABSENT && fresh)) {
                replica.startLookup(write instanceof ExecuteSql); // a first SQL request may make this region home
                return tenant.effects.stash();
            }
            home = replica.self(); // nowhere else either: answered here (no such tenant)
        }
        if (home.equals(replica.self())) return atHome(state, write);
        if (replica.lost(home) && !replica.lost(replica.self())) return failover.write(state, write, hops, home);
        if (hops >= 2) {
            tenant.answerFailed(
                    write,
                    Refused.unavailable(
                            "the replicas of tenant " + tenant.tenant + " are agreeing on its home region"));
        } else if (!replica.reachable(home)) {
            tenant.answerFailed(
                    write,
                    Refused.unavailable("tenant " + tenant.tenant + " is written in its home region " + home
                            + ", which region " + replica.self() + " cannot reach now; reads here still answer"));
        } else {
            replica.forward(home, Forwarded.of(write, replica.self(), hops + 1));
        }
        return tenant.effects.none();
    }

    /**
     * The entity was told that batches wait in its inbox: at the home it takes the next group and applies it; a replica
     * that is not (or no longer) the home closes its inbox, and what waited there goes on through sharding, which
     * brings it here as a write to forward.
     */
    Effect<TenantEvent, TenantState> fromInbox(TenantState state) {
        if (following.waitingForHome()) return tenant.effects.stash();
        if (!tenant.replica.isHome(state, tenant.lastSequenceNumber())) {
            inbox.closeAndSendOn();
            return tenant.effects.none();
        }
        List<PendingBatch> group = inbox.take();
        return group.isEmpty() ? tenant.effects.none() : ingest.onIngest(state, group);
    }

    /** A surviving replica is asked to take over its lost home's tenant now (no write waits for it). */
    Effect<TenantEvent, TenantState> takeOver(TenantState state) {
        if (following.waitingForHome()) return tenant.effects.none();
        String home = tenant.replica.home(state, tenant.lastSequenceNumber());
        if (home == null || !tenant.replica.lost(home) || tenant.replica.lost(tenant.replica.self()))
            return tenant.effects.none();
        return failover.write(state, null, 0, home);
    }

    private Effect<TenantEvent, TenantState> atHome(TenantState state, Command write) {
        if (write instanceof ExecuteSql request) {
            Refused refused = tenant.writesRefused();
            if (refused != null) return tenant.answer(request.replyTo(), refused);
            return sql.enqueue(state, request);
        }
        if (!(write instanceof IngestMany)) { // budgets, a move, a replication mode: refused as a write is
            Refused refused = tenant.homeRefused();
            if (refused != null) {
                tenant.answerFailed(write, refused);
                return tenant.effects.none();
            }
        }
        if (write instanceof IngestMany batches) { // each batch is checked as it is applied (TenantIngest)
            inbox.reopen(); // closed while this replica was not the home
            return ingest.onIngest(state, batches);
        }
        if (write instanceof SetHome set) return onSetHome(state, set);
        if (write instanceof SetReplication set) return onSetReplication(state, set);
        if (write instanceof TenantProtocol.SetClock set) return onSetClock(state, set);
        return onSetBudgets(state, (SetBudgets) write);
    }

    /**
     * At the home: how the tenant's writes are replicated from now on, durable (and pushed) before it is answered.
     * Sync with more other regions than the cluster has is refused: every write would be.
     */
    private Effect<TenantEvent, TenantState> onSetReplication(TenantState state, SetReplication set) {
        if (state.circuit.version() == 0) return tenant.answer(set.replyTo(), Refused.noSuchTenant(tenant.tenant));
        Replication replication = set.replication();
        List<String> others = tenant.replica.otherRegions();
        if (replication.minRegions() > others.size()) {
            return tenant.answer(
                    set.replyTo(),
                    new Refused(
                            RejectionKind.INVALID,
                            "min_regions " + replication.minRegions() + " is more than the " + others.size()
                                    + " other region(s) of the cluster " + others,
                            Map.of("min_regions", replication.minRegions(), "regions", String.join(",", others))));
        }
        TenantEvent.ReplicationSet event =
                new TenantEvent.ReplicationSet(state.circuit.version(), replication.mode(), replication.minRegions());
        return tenant.effects
                .persist(event)
                .thenRun(s -> {
                    long seqNr = tenant.lastSequenceNumber();
                    tenant.durability.durableUpTo(seqNr); // synced with the writes before it
                    tenant.confirmations.mode(s.replication, seqNr);
                    tenant.replica.pushed(List.of(event), seqNr, s.circuit.version());
                })
                .thenRun(s -> tenant.reply(set.replyTo(), new ReplicationReply(s.replication)));
    }

    /**
     * At the home: hands the tenant over to {@code region}'s replica. The event is persisted after every write this
     * home accepted (commands run one at a time), then pushed; writes arriving meanwhile are forwarded to the new home,
     * which applies them once it has applied this event, after all the others.
     */
    private Effect<TenantEvent, TenantState> onSetHome(TenantState state, SetHome set) {
        TenantReplica replica = tenant.replica;
        long version = state.circuit.version();
        if (set.region().equals(replica.self())) {
            return tenant.answer(set.replyTo(), new HomeMoved(set.region(), version));
        }
        if (version == 0) return tenant.answer(set.replyTo(), Refused.noSuchTenant(tenant.tenant));
        if (replica.lost(set.region())) {
            return tenant.answer(
                    set.replyTo(),
                    new Refused(
                            RejectionKind.INVALID,
                            "region " + set.region() + " is declared lost; readmit it first",
                            Map.of("region", set.region())));
        }
        if (!replica.hasMembers(set.region())) {
            return tenant.answer(
                    set.replyTo(),
                    new Refused(
                            RejectionKind.INVALID,
                            "no region named " + set.region() + " has nodes in the cluster",
                            Map.of("region", set.region())));
        }
        if (!replica.reachable(set.region())) {
            return tenant.answer(
                    set.replyTo(),
                    Refused.unavailable("region " + set.region() + " cannot be reached from the home region "
                            + replica.self() + " now"));
        }
        TenantEvent.HomeSet event = new TenantEvent.HomeSet(
                version, set.region(), state.terms.epoch() + 1, tenant.lastSequenceNumber(), null);
        return tenant.effects
                .persist(event)
                .thenRun(s -> {
                    tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                    tenant.actor
                            .getLog()
                            .info(
                                    "tenant {}: home region moves from {} to {}",
                                    tenant.tenant,
                                    replica.self(),
                                    set.region());
                    s.stopEnforcingBudgets();
                    replica.pushed(List.of(event), tenant.lastSequenceNumber(), s.circuit.version());
                    following.startFollowing(s, tenant.lastSequenceNumber());
                })
                .thenRun(s -> tenant.reply(set.replyTo(), new HomeMoved(set.region(), version)));
    }

    /** At the home: the resolution of the tenant's clock, durable (and pushed) before it is answered. */
    private Effect<TenantEvent, TenantState> onSetClock(TenantState state, TenantProtocol.SetClock set) {
        if (state.circuit.version() == 0) return tenant.answer(set.replyTo(), Refused.noSuchTenant(tenant.tenant));
        TenantEvent.ClockSet event = new TenantEvent.ClockSet(state.circuit.version(), set.resolutionMicros());
        return tenant.effects
                .persist(event)
                .thenRun(s -> {
                    tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                    tenant.replica.pushed(List.of(event), tenant.lastSequenceNumber(), s.circuit.version());
                    clock.check(s); // the timer at the new resolution
                })
                .thenRun(s -> tenant.reply(set.replyTo(), new TenantProtocol.ClockReply(clock.info(s))));
    }

    /** At the home: the admin's budgets for this tenant, durable before they are answered. */
    private Effect<TenantEvent, TenantState> onSetBudgets(TenantState state, SetBudgets set) {
        // As every other write to a tenant that does not exist: a budget must not create it.
        if (state.circuit.version() == 0) return tenant.answer(set.replyTo(), Refused.noSuchTenant(tenant.tenant));
        TenantEvent.BudgetsSet event = new TenantEvent.BudgetsSet(state.circuit.version(), set.budgets());
        return tenant.effects
                .persist(event)
                .thenRun(s -> {
                    tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                    tenant.replica.pushed(List.of(event), tenant.lastSequenceNumber(), s.circuit.version());
                })
                .thenRun(s -> tenant.reply(set.replyTo(), new BudgetsReply(TenantReads.budgets(s))));
    }
}
