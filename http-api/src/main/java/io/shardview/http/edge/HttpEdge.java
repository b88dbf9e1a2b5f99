package io.shardview.http.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's HTTP server: Netty's event loops read requests, parse them and write answers on a few threads (one per
 * core by default), and hand each request to one {@link EdgeHandler}. An answer costs its own work and the hand-off
 * from the thread that produced it, nothing more: a request that can be answered where it was read never leaves its
 * event loop.
 *
 * <p>Lifecycle: {@link #start} binds; on shutdown {@link #stopAccepting} unbinds, {@link #drain} lets the requests in
 * flight finish (closing each connection after its answer) up to a deadline, and {@link #close} stops the threads.
 */
public final class HttpEdge implements AutoCloseable {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final EdgeSettings settings;
    private final EdgeHandler handler;
    private final EdgeErrors errors;
    private final EventLoopGroup loops;
    private Channel server; // set once bound
    private final Set<EdgeConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean draining;
    private volatile long dateSecond;
    private volatile String date;

    private HttpEdge(EdgeSettings settings, EdgeHandler handler, EdgeErrors errors, EventLoopGroup loops) {
        this.settings = settings;
        this.handler = handler;
        this.errors = errors;
        this.loops = loops;
    }

    /**
     * Binds {@code settings}' host and port and serves every request with {@code handler}; the answers the edge gives
     * itself are worded by {@code errors}.
     */
    public static HttpEdge start(EdgeSettings settings, EdgeHandler handler, EdgeErrors errors)
            throws InterruptedException {
        // Netty's leak detection records a stack trace for a sample of buffers (0.6% of a small query's CPU); the
        // edge's buffers are checked by its tests, which may turn it on with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory threads = new DefaultThreadFactory("shardview-http", true);
        EventLoopGroup loops = epoll
                ? new EpollEventLoopGroup(settings.ioThreads(), threads)
                : new NioEventLoopGroup(settings.ioThreads(), threads);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        SslContext tls = settings.tls() == null ? null : new JdkSslContext(settings.tls(), false, ClientAuth.NONE);
        HttpEdge edge = new HttpEdge(settings, handler, errors, loops);
        try {
            edge.server = new ServerBootstrap()
                    .group(loops)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, settings.backlog())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // answered, then closed: EdgeConnection
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel connection) {
                            ChannelPipeline pipeline = connection.pipeline();
                            if (tls != null) pipeline.addLast(tls.newHandler(connection.alloc()));
                            pipeline.addLast(new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(settings.maxUriLength() + 64)
                                    .setMaxHeaderSize(settings.maxHeadBytes())
                                    .setMaxChunkSize(64 * 1024)));
                            pipeline.addLast(new IdleStateHandler(
                                    0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                            pipeline.addLast(new EdgeConnection(edge));
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
            return edge;
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The address bound (with the port picked when the settings asked for 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Accepts no more connections. */
    public void stopAccepting() {
        server.close().syncUninterruptibly();
    }

    /**
     * Lets each connection finish the request it serves, closing it after its answer (an idle one at once), and
     * completes once every connection closed; those still open at {@code deadline} are closed then.
     */
    public CompletableFuture<Void> drain(Duration deadline) {
        draining = true;
        connections.forEach(EdgeConnection::drain);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        long until = System.nanoTime() + deadline.toNanos();
        var check = loops.next()
                .scheduleAtFixedRate(
                        () -> {
                            if (connections.isEmpty()) drained.complete(null);
                            else if (System.nanoTime() > until) {
                                connections.forEach(EdgeConnection::closeNow);
                                drained.complete(null);
                            }
                        },
                        0,
                        10,
                        TimeUnit.MILLISECONDS);
        drained.whenComplete((done, error) -> check.cancel(false));
        return drained;
    }

    /** Stops the event loops (after {@link #drain}, or at once). */
    @Override
    public void close() {
        if (server.isOpen()) server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    EdgeSettings settings() {
        return settings;
    }

    EdgeHandler handler() {
        return handler;
    }

    EdgeErrors errors() {
        return errors;
    }

    boolean draining() {
        return draining;
    }

    /** A connection opened: false when it is one past max-connections (it is closed). */
    boolean opened(EdgeConnection connection) {
        connections.add(connection);
        return open.incrementAndGet() <= settings.maxConnections() && !draining;
    }

    void closed(EdgeConnection connection) {
        if (connections.remove(connection)) open.decrementAndGet();
    }

    /** The Date header's value, made once a second. */
    String date() {
        long second = System.currentTimeMillis() / 1000;
        if (second != dateSecond) {
            date = HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
            dateSecond = second;
        }
        return date;
    }
}
