package io.shardview.node;

import com.typesafe.config.Config;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.AdvertisedUrl;
import io.shardview.entity.auth.TokenProtocol;
import io.shardview.entity.auth.TokenRegistry;
import io.shardview.http.ApiError;
import io.shardview.http.EdgeRouter;
import io.shardview.http.PekkoRoutes;
import io.shardview.http.RouteMetrics;
import io.shardview.http.auth.Auth;
import io.shardview.http.auth.TokenCache;
import io.shardview.http.auth.TokenRoutes;
import io.shardview.http.edge.EdgeHandler;
import io.shardview.http.edge.EdgeSettings;
import io.shardview.http.edge.HttpEdge;
import io.shardview.node.membership.GoneMemberDowning;
import io.shardview.node.membership.LocalJournalJoinCheck;
import io.shardview.node.membership.LoneNodeRegionStop;
import io.shardview.node.membership.LostRegionService;
import io.shardview.node.membership.LostRegionTable;
import io.shardview.node.membership.MemberPresence;
import io.shardview.persistence.DataDirectoryLock;
import io.shardview.persistence.JournalSettings;
import io.shardview.persistence.JournalSyncStats;
import io.shardview.persistence.SerializationCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.LoggerFactory;

/**
 * One Shardview node: the actor system joined to its cluster, sharding with the node's entity
 * types, the journal, and the HTTP server. {@link #start} returns once HTTP is bound; /ready tells
 * when the node is Up and sharding answers. {@link #stop} runs Pekko's coordinated shutdown:
 * /ready turns 503, HTTP unbinds and drains, the member leaves, the journal closes, and only then
 * is the data directory released.
 */
public final class ShardviewNode {
    /** Name of the actor system; the same on every node of a cluster. */
    public static final String SYSTEM_NAME = "shardview";

    private final ActorSystem<Void> system;
    private final HttpEdge http;
    private final Path dataDir;
    private final String region;
    private final boolean https;
    /** Completes once the actor system terminated and the data directory's lock was released. */
    private final CompletableFuture<Void> released;

    private ShardviewNode(
            ActorSystem<Void> system,
            HttpEdge http,
            Path dataDir,
            String region,
            boolean https,
            CompletableFuture<Void> released) {
        this.https = https;
        this.released = released;
        this.system = system;
        this.http = http;
        this.dataDir = dataDir;
        this.region = region;
    }

    /** Why the node stopped, as coordinated shutdown records it. */
    public enum StopReason implements CoordinatedShutdown.Reason {
        STOP_REQUESTED,
        START_FAILED
    }

    /**
     * Starts a node with the given configuration (see {@link io.shardview.node.config.NodeConfig}) serving
     * {@code modules}.
     */
    public static ShardviewNode start(Config config, List<NodeModule> modules) {
        LoggerFactory.getILoggerFactory(); // initialise logging before Pekko's threads log concurrently
        String host = config.getString("shardview.http.host");
        boolean authOn = !config.getString("shardview.auth.admin-token").isBlank();
        try {
            Auth.validate(config);
        } catch (IllegalArgumentException e) {
            throw new NodeStartException(e.getMessage(), e);
        }
        if (!authOn) requireLoopback(host);
        requireAdvertisedUrl(config.getString("shardview.http.advertised-url").strip());
        SSLContext https = Tls.serverContext(config);
        requireUsableJournal(config);
        boolean shared = new JournalSettings(config).isShared();
        String selfAddress = "pekko://" + SYSTEM_NAME + "@" + config.getString("shardview.cluster.host") + ":"
                + config.getInt("shardview.cluster.port");
        if (shared) config = MemberPresence.seedsFor(config, selfAddress);
        Path dataDir = Path.of(config.getString("shardview.data-dir"));
        DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
        } catch (RuntimeException e) {
            lock.close();
            throw new NodeStartException("cannot start the actor system: " + e.getMessage(), e);
        }
        // The lock outlives the journal: released only after the actor system, and with it LevelDB, is gone. A stop
        // waits for the release itself, so a node started on the same directory right after never finds it held.
        CompletableFuture<Void> released = system.getWhenTerminated()
                .toCompletableFuture()
                .handle((done, error) -> {
                    lock.close();
                    return null;
                });
        if (shared) {
            MemberPresence presence = MemberPresence.start(config, selfAddress);
            system.getWhenTerminated().thenRun(presence::close);
        }
        try {
            return startServices(system, config, modules, host, https, lock.directory(), released);
        } catch (Exception e) { // Pekko's Scala code throws checked exceptions too (sharding's TimeoutException)
            // The system may already be stopping on its own (the cluster refused the join while services started):
            // then a sharding region's start times out, and the refusal is the cause to report.
            boolean stopping =
                    CoordinatedShutdown.get(system).getShutdownReason().isPresent();
            CoordinatedShutdown.get(system).runAll(StopReason.START_FAILED);
            awaitReleased(released);
            if (stopping && !(e instanceof NodeStartException)) {
                throw new NodeStartException(stopReason(system, config.getString("shardview.region")), e);
            }
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new NodeStartException("the node could not start: " + e, e);
        }
    }

    private static ShardviewNode startServices(
            ActorSystem<Void> system,
            Config config,
            List<NodeModule> modules,
            String host,
            SSLContext https,
            Path dataDir,
            CompletableFuture<Void> released) {
        SerializationCheck.verify(system);
        // Makes messages sent in parts whole on this node (messages larger than remoting's frame).
        system.systemActorOf(
                io.shardview.entity.large.LargeMessages.reassembler(),
                io.shardview.entity.large.LargeMessages.REASSEMBLER,
                org.apache.pekko.actor.typed.Props.empty());
        List<EntityType> entityTypes = new java.util.ArrayList<>(
                modules.stream().flatMap(m -> m.entityTypes().stream()).toList());
        entityTypes.add(new EntityType(TokenProtocol.ENTITY_KEY, TokenRegistry::init));
        // Before the tenants start: they do not act as homes on their events alone until it knows which regions are
        // lost.
        boolean lostRegions = new JournalSettings(config).isShared();
        if (lostRegions) LostRegionService.start(system, new LostRegionTable(config));
        entityTypes.forEach(type -> type.init().accept(system));

        Duration shardingTimeout = config.getDuration("shardview.cluster.sharding-ready-timeout");
        ShardingQueries sharding = new ShardingQueries(system, entityTypes, shardingTimeout);
        Readiness readiness = new Readiness(system, sharding);
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-region-proxies", () -> {
            sharding.stopProxiesToOtherRegions();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "mark-not-ready", () -> {
            readiness.leaving();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "exit-on-fatal-error", () -> {
            if (shutdown.getShutdownReason()
                    .filter(CoordinatedShutdown.actorSystemTerminateReason()::equals)
                    .isPresent()) {
                exitOnFatalError();
            }
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(readiness::memberUp);
        GoneMemberDowning.start(system);
        LoneNodeRegionStop.register(system);
        if (config.getStringList("shardview.cluster.seed-nodes").isEmpty()) {
            Cluster cluster = Cluster.get(system);
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }

        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        if (new JournalSettings(config).isLocal()) JournalMetrics.register(registry, JournalSyncStats.get(system));
        InternalErrorMetrics.register(registry);
        io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
                .name("shardview_http_inflight_request_bytes")
                .help("Bytes of request bodies the node holds now, against shardview.http.max-inflight-request-bytes")
                .callback(cb ->
                        cb.call(io.shardview.http.InflightBodies.get(system).held()))
                .register(registry);
        RouteMetrics routeMetrics = new RouteMetrics(registry);
        modules.forEach(module -> module.registerMetrics(registry));
        var reports = NodeReports.start(
                system,
                routeMetrics.recentErrors(),
                () -> modules.stream()
                        .flatMap(module -> module.replicaLags().stream())
                        .toList(),
                entityTypes.stream().<EntityTypeKey<?>>map(EntityType::key).toList());
        NodeRoutes routes = new NodeRoutes(
                system,
                readiness,
                sharding,
                registry,
                routeMetrics,
                lostRegions,
                new ReportRoutes(system, routeMetrics, reports));
        Auth auth;
        TokenCache tokens;
        try {
            tokens = config.getString("shardview.auth.admin-token").isBlank()
                    ? TokenCache.idle(system)
                    : TokenCache.start(system, config.getDuration("shardview.auth.refresh-interval"));
            auth = Auth.from(config, tokens);
        } catch (IllegalArgumentException e) {
            throw new NodeStartException(e.getMessage(), e);
        }
        List<Route> apiRoutes = new java.util.ArrayList<>(modules.stream()
                .flatMap(m -> m.routes(system, routeMetrics).stream())
                .toList());
        apiRoutes.add(new TokenRoutes(system, routeMetrics, tokens, config.getDuration("shardview.tenant.ask-timeout"))
                .routes());
        EdgeSettings edgeSettings = EdgeSettings.from(config, https);
        List<EdgeRouter.Endpoint> endpoints =
                modules.stream().flatMap(m -> m.endpoints(system).stream()).toList();
        EdgeHandler pekkoRoutes = new PekkoRoutes(system, auth.protect(routes.routes(apiRoutes)));
        HttpEdge http = bind(edgeSettings, new EdgeRouter(endpoints, auth, routeMetrics, pekkoRoutes));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", () -> {
            http.stopAccepting();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-requests-done", () -> http.drain(
                        edgeSettings.shutdownDeadline())
                .thenApply(drained -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "http-stop", () -> {
            http.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        ShardviewNode node =
                new ShardviewNode(system, http, dataDir, config.getString("shardview.region"), https != null, released);
        AdvertisedUrl.get(system).set(advertisedUrl(config, http.localAddress(), https != null));
        return node;
    }

    private static void requireAdvertisedUrl(String url) {
        if (url.isEmpty()) return;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || (uri.getPath() != null
                        && !uri.getPath().isEmpty()
                        && !uri.getPath().equals("/"))
                || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw new NodeStartException(
                    "shardview.http.advertised-url must be an http:// or https:// URL of a host and port, without a"
                            + " path: " + url,
                    null);
        }
    }

    /**
     * The URL clients are told to reach this node at: {@code shardview.http.advertised-url}, or the bound address, with
     * the cluster host (the name other nodes reach this one by) for a node bound to every interface.
     */
    static String advertisedUrl(Config config, InetSocketAddress bound, boolean https) {
        String configured = config.getString("shardview.http.advertised-url").strip();
        if (!configured.isEmpty()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        return url(bound, config.getString("shardview.cluster.host"), https);
    }

    /**
     * The URL of {@code address}, with {@code wildcardHost} for a node bound to every interface (the bound address then
     * reads as the IPv6 wildcard, no host to connect to).
     */
    private static String url(InetSocketAddress address, String wildcardHost, boolean https) {
        String host = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
                ? wildcardHost
                : address.getHostString();
        if (host.contains(":")) host = "[" + host + "]";
        return (https ? "https://" : "http://") + host + ":" + address.getPort();
    }

    /**
     * The actor system is terminating on its own: Pekko met a fatal error (an OutOfMemoryError; pekko.conf's
     * jvm-exit-on-fatal-error is off, so it terminates instead of exiting). A graceful stop cannot be trusted then:
     * the actor that failed never stops, so the hand-off of its shard would wait out its timeout with HTTP already
     * closed, a process alive that serves nothing. The process ends at once instead, as a kill -9 would, which loses no
     * acknowledged write (every one is in the journal); a supervisor restarts it (docs/operations.md).
     */
    private static void exitOnFatalError() {
        System.err.println("shardview: the node met a fatal error (see the log above) and exits now (exit code 1)");
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private static HttpEdge bind(EdgeSettings settings, EdgeHandler handler) {
        try {
            return HttpEdge.start(settings, handler, ApiError.EDGE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException("binding " + settings.host() + ":" + settings.port() + " was interrupted", e);
        } catch (Exception e) { // Netty throws a bind failure as is, checked or not (an IOException underneath)
            throw new NodeStartException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    // Checked before the node joins anything: a LevelDB node listing other seed nodes would only be
    // refused by them, and a node on a database without the schema would fail its first write.
    private static void requireUsableJournal(Config config) {
        JournalSettings journal = new JournalSettings(config);
        if (journal.isShared()) {
            try {
                journal.requireSchema();
                journal.claimForRegion(config.getString("shardview.region"));
            } catch (JournalSettings.JournalUnavailableException e) {
                throw new NodeStartException(e.getMessage(), e);
            }
        }
        if (journal.isLocal()) {
            String self = "pekko://" + SYSTEM_NAME + "@" + config.getString("shardview.cluster.host") + ":"
                    + config.getInt("shardview.cluster.port");
            List<String> others = config.getStringList("shardview.cluster.seed-nodes").stream()
                    .filter(seed -> !seed.equals(self))
                    .toList();
            if (!others.isEmpty()) {
                throw new NodeStartException(
                        "refusing to join " + String.join(", ", others) + ": " + LocalJournalJoinCheck.REASON, null);
            }
        }
    }

    // docs/api.md, "Auth": only a node bound to loopback may run without auth.
    private static void requireLoopback(String host) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new NodeStartException("unknown HTTP host " + host, e);
        }
        if (!loopback) {
            throw new NodeStartException(
                    "refusing to serve HTTP on " + host
                            + " with auth off: set an admin token (SHARDVIEW_ADMIN_TOKEN or --admin-token-file) "
                            + "or bind to 127.0.0.1",
                    null);
        }
    }

    /** The base URL clients use, with the port actually bound. */
    public String url() {
        return url(http.localAddress(), "0.0.0.0", https);
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.localAddress().getPort();
    }

    /** The data directory, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /** The region (cluster data center) of this node. */
    public String region() {
        return region;
    }

    /** The node's actor system, for the entities and routes that run in it. */
    public ActorSystem<Void> system() {
        return system;
    }

    /** Completes when the node has fully stopped, whatever stopped it. */
    public CompletableFuture<Done> whenTerminated() {
        return system.getWhenTerminated().toCompletableFuture();
    }

    /** Starts coordinated shutdown and returns at once; {@link #whenTerminated} completes at its end. */
    public void requestStop() {
        CoordinatedShutdown.get(system).runAll(StopReason.STOP_REQUESTED);
    }

    /** Runs coordinated shutdown and waits for it to finish. */
    public void stop() {
        requestStop();
        awaitReleased(released);
    }

    /** Whether the node stopped because it was asked to, rather than e.g. being downed by the cluster. */
    public boolean stoppedOnRequest() {
        return CoordinatedShutdown.get(system)
                .getShutdownReason()
                .map(StopReason.STOP_REQUESTED::equals)
                .orElse(false);
    }

    /** Why the node stopped, in words, when it was not asked to. */
    public String unrequestedStopReason() {
        return stopReason(system, region);
    }

    private static String stopReason(ActorSystem<?> system, String region) {
        CoordinatedShutdown.Reason reason =
                CoordinatedShutdown.get(system).getShutdownReason().orElse(null);
        if (reason == null) return "the actor system terminated";
        if (reason.equals(CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
            // The member that refused logs which setting differs; the joining node is told only that one did.
            return "the cluster refused to let it join: its configuration is incompatible with the members' (every node "
                    + "of a cluster must use the same kind of journal; this node is in region '" + region
                    + "'; the members' logs name the setting)";
        }
        if (reason.equals(CoordinatedShutdown.clusterDowningReason())) return "the cluster downed this node";
        if (reason.equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason()))
            return "it could not join any seed node";
        return "coordinated shutdown (" + reason + ")";
    }

    /** Waits until the actor system terminated and the data directory was released. */
    private static void awaitReleased(CompletableFuture<Void> released) {
        try {
            released.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("node did not stop within 60 s", e);
        }
    }

    /** The node could not start; the message says why in one sentence. */
    public static final class NodeStartException extends RuntimeException {
        public NodeStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
