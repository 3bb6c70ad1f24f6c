package io.tessera.kernel.iam.idp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small CAS server for tests. No maintained CAS server runs embedded on Java 17 here, so this
 * follows the CAS Protocol 3.0 specification's {@code /serviceValidate} (§2.5) exactly: both
 * {@code service} and {@code ticket} are required ({@code INVALID_REQUEST}); a service ticket is
 * valid once and only for the service it was issued to ({@code INVALID_TICKET},
 * {@code INVALID_SERVICE}, and the ticket is invalidated by any validation attempt); success is the
 * {@code cas:serviceResponse/cas:authenticationSuccess/cas:user} document. The browser login at
 * {@code /login} is replaced by {@link #issueTicket}, which is what a successful CAS login yields.
 */
final class CasTestServer implements AutoCloseable {

    private record Ticket(String service, String user) {
    }

    private final HttpServer server;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();

    CasTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cas/serviceValidate", this::serviceValidate);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cas";
    }

    /** What a user's successful login at CAS for {@code service} produces. */
    String issueTicket(String service, String user) {
        String ticket = "ST-" + counter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        tickets.put(ticket, new Ticket(service, user));
        return ticket;
    }

    private void serviceValidate(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        String service = q.get("service");
        String ticket = q.get("ticket");
        String body;
        if (service == null || ticket == null) {
            body = failure("INVALID_REQUEST", "'service' and 'ticket' parameters are both required");
        } else {
            Ticket t = tickets.remove(ticket); // any validation attempt invalidates the ticket
            if (t == null) {
                body = failure("INVALID_TICKET", "Ticket " + ticket + " not recognized");
            } else if (!t.service().equals(service)) {
                body = failure("INVALID_SERVICE", "Ticket " + ticket + " does not match supplied service");
            } else {
                body = "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\">\n"
                        + "  <cas:authenticationSuccess>\n"
                        + "    <cas:user>" + t.user() + "</cas:user>\n"
                        + "  </cas:authenticationSuccess>\n"
                        + "</cas:serviceResponse>\n";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml;charset=UTF-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String failure(String code, String message) {
        return "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\">\n"
                + "  <cas:authenticationFailure code=\"" + code + "\">" + message + "</cas:authenticationFailure>\n"
                + "</cas:serviceResponse>\n";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
