package io.tessera.devcluster;

import io.tessera.devcluster.api.ApiException;
import io.tessera.devcluster.api.ApiServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for {@link ApiServer}, on Vert.x (the engine under fabric8's mock web server). Watches stream:
 * over a WebSocket (fabric8's client) or as a chunked HTTP response (kubectl, client-go) — the mock web
 * server's transport can only send complete bodies, which is why this class exists.
 */
final class HttpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final ApiServer api;
    private final long bookmarkMillis;
    private final Vertx vertx;
    private final ExecutorService workers;
    private HttpServer server;

    HttpTransport(ApiServer api, long bookmarkMillis) {
        this.api = api;
        this.bookmarkMillis = bookmarkMillis;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        AtomicInteger n = new AtomicInteger();
        // Requests run here, not on the event loop: a write waits for its fsync, and concurrent writers share one.
        this.workers = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "dev-cluster-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int start(String address, int port) {
        HttpServerOptions options = new HttpServerOptions().setHost(address).setPort(port)
                .setHttp2ClearTextEnabled(false).setCompressionSupported(false).setMaxWebSocketFrameSize(16 * 1024 * 1024)
                .setMaxWebSocketMessageSize(64 * 1024 * 1024);
        server = vertx.createHttpServer(options).requestHandler(this::onRequest);
        CompletableFuture<HttpServer> bound = new CompletableFuture<>();
        server.listen().onComplete(ar -> {
            if (ar.succeeded()) {
                bound.complete(ar.result());
            } else {
                bound.completeExceptionally(ar.cause());
            }
        });
        try {
            return bound.get(30, TimeUnit.SECONDS).actualPort();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + address + ":" + port + ": " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + address + ":" + port + ": " + e, e);
        }
    }

    private void onRequest(HttpServerRequest req) {
        String upgrade = req.getHeader("Upgrade");
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            // The upgrade must happen before the request is read, so it is done on the event loop.
            ApiServer.Request r = toRequest(req, null);
            if (!api.isWatch(r)) {
                req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end(new ApiException(400, "BadRequest", "only watches are served over WebSocket").toStatus().toString());
                return;
            }
            req.toWebSocket().onSuccess(ws -> workers.execute(() -> watchOverWebSocket(r, ws)))
                    .onFailure(e -> LOG.warn("event=websocket.upgrade-failed path={} error={}", req.path(), e.toString()));
            return;
        }
        req.body().onSuccess(body -> {
            ApiServer.Request r = toRequest(req, body);
            workers.execute(() -> {
                if (api.isWatch(r)) {
                    watchOverHttp(r, req.response());
                } else {
                    ApiServer.Response resp = api.handle(r);
                    LOG.debug("event=request method={} path={} code={}", r.method(), r.path(), resp.code());
                    req.response().setStatusCode(resp.code()).putHeader("Content-Type", resp.contentType())
                            .end(Buffer.buffer(resp.body()));
                }
            });
        });
    }

    private static ApiServer.Request toRequest(HttpServerRequest req, Buffer body) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        MultiMap params = req.params();
        for (String name : params.names()) {
            query.put(name, new ArrayList<>(params.getAll(name)));
        }
        return new ApiServer.Request(req.method().name(), req.path(), query, req.getHeader("Content-Type"),
                body == null ? null : body.getBytes());
    }

    private void watchOverHttp(ApiServer.Request r, HttpServerResponse resp) {
        AtomicBoolean open = new AtomicBoolean(true);
        AtomicReference<ApiServer.WatchHandle> handle = new AtomicReference<>();
        Runnable end = () -> {
            if (open.compareAndSet(true, false)) {
                resp.end();
            }
        };
        // Registered first: the watch may end (410) before api.watch returns.
        resp.closeHandler(v -> {
            open.set(false);
            closeQuietly(handle.get());
        });
        try {
            resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
            handle.set(api.watch(r, guarded(open, line -> resp.write(line + "\n")), end));
        } catch (ApiException e) {
            if (open.compareAndSet(true, false)) {
                resp.setChunked(false).setStatusCode(e.code()).end(e.toStatus().toString());
            }
            return;
        }
        try {
            if (open.get() && !resp.headWritten()) {
                resp.writeHead(); // clients wait for the headers before they count the watch as established
            }
        } catch (IllegalStateException alreadyWritten) {
            // an event or the end of the watch wrote them first
        }
        keepAlive(r, handle.get(), open, end);
        if (!open.get()) {
            closeQuietly(handle.get());
        }
    }

    private void watchOverWebSocket(ApiServer.Request r, ServerWebSocket ws) {
        AtomicBoolean open = new AtomicBoolean(true);
        AtomicReference<ApiServer.WatchHandle> handle = new AtomicReference<>();
        Runnable end = () -> {
            if (open.compareAndSet(true, false)) {
                ws.close((short) 1000);
            }
        };
        try {
            ws.closeHandler(v -> {
                open.set(false);
                closeQuietly(handle.get());
            });
        } catch (IllegalStateException closed) {
            return; // the client went away before the watch started
        }
        try {
            handle.set(api.watch(r, guarded(open, ws::writeTextMessage), end));
        } catch (ApiException e) {
            guarded(open, ws::writeTextMessage).accept("{\"type\":\"ERROR\",\"object\":" + e.toStatus() + "}");
            end.run();
            return;
        }
        keepAlive(r, handle.get(), open, end);
        if (!open.get()) {
            closeQuietly(handle.get());
        }
    }

    private static void closeQuietly(ApiServer.WatchHandle h) {
        if (h != null) {
            h.close();
        }
    }

    /** Bookmarks when asked for, and the end of the watch after {@code timeoutSeconds}. */
    private void keepAlive(ApiServer.Request r, ApiServer.WatchHandle handle, AtomicBoolean open, Runnable end) {
        List<Long> timers = new ArrayList<>();
        String allow = first(r, "allowWatchBookmarks");
        if ("true".equals(allow) || "1".equals(allow)) {
            timers.add(vertx.setPeriodic(bookmarkMillis, id -> {
                if (open.get()) {
                    workers.execute(handle::bookmark);
                } else {
                    vertx.cancelTimer(id);
                }
            }));
        }
        String timeout = first(r, "timeoutSeconds");
        if (timeout != null && !timeout.isEmpty()) {
            try {
                long seconds = Long.parseLong(timeout);
                if (seconds > 0) {
                    vertx.setTimer(seconds * 1000, id -> {
                        handle.close();
                        end.run();
                    });
                }
            } catch (NumberFormatException ignored) {
                // an unparsable timeout means no timeout, as with the real server's default
            }
        }
    }

    private static String first(ApiServer.Request r, String name) {
        List<String> v = r.query().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A sink that stops writing once the connection is gone, so a dead watcher never breaks a store write. */
    private static Consumer<String> guarded(AtomicBoolean open, Consumer<String> write) {
        return line -> {
            if (!open.get()) {
                return;
            }
            try {
                write.accept(line);
            } catch (RuntimeException e) {
                open.set(false);
            }
        };
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.close().onComplete(ar -> done.complete(null));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("event=transport.close-slow error={}", e.toString());
        }
        workers.shutdownNow();
    }
}
