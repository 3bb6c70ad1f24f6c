package io.tessera.distribution.ha;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CAS server (Protocol 3.0 {@code /serviceValidate}: a ticket is valid once, for the service it was
 * issued to) whose validation answers only after {@link #release()}. A kernel validating a ticket is
 * thereby holding an accepted request in flight for exactly as long as the test wants, and the test
 * knows when that is: {@link #awaitValidations} returns once the kernel's calls have arrived.
 */
final class BlockingCasServer implements AutoCloseable {

    private record Ticket(String service, String user) {
    }

    private final HttpServer server;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    BlockingCasServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/cas/serviceValidate", this::serviceValidate);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cas";
    }

    String issueTicket(String service, String user) {
        String ticket = "ST-" + counter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        tickets.put(ticket, new Ticket(service, user));
        return ticket;
    }

    /** Polls (no fixed sleep) until {@code n} validations are waiting, or the deadline passes. */
    boolean awaitValidations(int n, long deadlineMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + deadlineMillis;
        while (arrived.get() < n && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        return arrived.get() >= n;
    }

    void release() {
        released.countDown();
    }

    private void serviceValidate(HttpExchange exchange) throws IOException {
        arrived.incrementAndGet();
        try {
            released.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String service = null;
        String ticket = null;
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            String v = URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8);
            if (kv[0].equals("service")) {
                service = v;
            } else if (kv[0].equals("ticket")) {
                ticket = v;
            }
        }
        Ticket t = ticket == null ? null : tickets.remove(ticket);
        String body = t != null && t.service().equals(service)
                ? "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>"
                        + t.user() + "</cas:user></cas:authenticationSuccess></cas:serviceResponse>"
                : "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationFailure code=\"INVALID_TICKET\">"
                        + "Ticket " + ticket + " not recognized</cas:authenticationFailure></cas:serviceResponse>";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml;charset=UTF-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
