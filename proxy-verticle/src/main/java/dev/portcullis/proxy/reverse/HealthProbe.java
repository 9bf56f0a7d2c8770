package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.access.AccessRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The active health check of one service's backends (README, "Reverse proxy"): every {@code interval}, each
 * backend is reached as a request would reach it ({@link BackendConnector}) and asked {@code GET path}; a 2xx or
 * 3xx status within {@code timeout} passes. Without a path (passthrough services) a connection within the timeout
 * passes. Results go to the {@link BackendPool}, which takes a backend out and puts it back at its thresholds.
 */
final class HealthProbe {

    private static final String PROBE = "portcullis-health-probe";

    private final Vertx vertx;
    private final Service service;
    private final Service.HealthCheck check;
    private final BackendPool pool;
    private final BackendConnector connector;
    private long timer = -1;

    HealthProbe(Vertx vertx, Service service, BackendPool pool, BackendConnector connector) {
        this.vertx = vertx;
        this.service = service;
        this.check = service.health();
        this.pool = pool;
        this.connector = connector;
    }

    /** Checks every backend now, then every interval. */
    void start() {
        if (check == null) {
            return;
        }
        probeAll();
        timer = vertx.setPeriodic(check.intervalMs(), id -> probeAll());
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void probeAll() {
        for (BackendPool.Member member : pool.members()) {
            probe(member.backend()).onComplete(result -> pool.report(member, result.succeeded(),
                    result.failed() ? result.cause().getMessage() : null, check.unhealthyAfter(),
                    check.healthyAfter()));
        }
    }

    private Future<Void> probe(Service.Backend backend) {
        Promise<Void> done = Promise.promise();
        long deadline = vertx.setTimer(check.timeoutMs(), id -> done.tryFail("no answer within "
                + check.timeoutMs() + " ms"));
        AccessRecord scratch = new AccessRecord("health-check", "health-check", "reverse");
        if (check.path() == null) {
            connector.socket(backend, scratch).onComplete(connected -> {
                if (connected.succeeded()) {
                    connected.result().close();
                    done.tryComplete();
                } else {
                    done.tryFail(connected.cause());
                }
            });
        } else {
            connector.http(backend, scratch).onComplete(connected -> {
                if (connected.failed()) {
                    done.tryFail(connected.cause());
                    return;
                }
                Channel channel = connected.result();
                done.future().onComplete(ignored -> channel.close());
                ask(channel, backend, done);
            });
        }
        return done.future().onComplete(ignored -> vertx.cancelTimer(deadline));
    }

    private void ask(Channel channel, Service.Backend backend, Promise<Void> done) {
        channel.pipeline().addBefore(dev.portcullis.proxy.connection.Sockets.VERTX_HANDLER, PROBE,
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof HttpResponse response) {
                                int status = response.status().code();
                                if (status >= 200 && status < 400) {
                                    done.tryComplete();
                                } else {
                                    done.tryFail("status " + status + " from GET " + check.path());
                                }
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.tryFail("connection closed before an answer to GET " + check.path());
                    }
                });
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                check.path());
        String host = service.hosts().stream().filter(name -> !name.startsWith("*.")).findFirst()
                .orElse(backend.host());
        request.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.USER_AGENT, "portcullis-health-check");
        channel.writeAndFlush(request);
    }
}
