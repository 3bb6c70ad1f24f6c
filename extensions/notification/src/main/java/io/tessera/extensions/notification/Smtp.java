package io.tessera.extensions.notification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small SMTP client (RFC 5321 with STARTTLS, implicit TLS and AUTH PLAIN): the host exports no
 * mail library to extensions, and plain-text UTF-8 messages need no more than this.
 */
final class Smtp {

    enum Tls { NONE, STARTTLS, TLS }

    /**
     * {@code requireTLS} (KubeSphere's notification-manager field, default true) applies to
     * {@code STARTTLS}: a server that does not offer it is refused rather than spoken to in plain
     * text; false sends in plain text to such a server (opportunistic).
     */
    record Server(String host, int port, Tls tls, boolean requireTls, boolean insecureSkipVerify, String username, String password) {
    }

    private Smtp() {
    }

    static void send(Server server, String from, List<String> to, String subject, String body) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(server.host(), server.port()), 10_000);
        socket.setSoTimeout(30_000);
        try {
            if (server.tls() == Tls.TLS) {
                socket = tls(server, socket);
            }
            Conversation c = new Conversation(socket);
            c.expect(220);
            List<String> extensions = c.command("EHLO tessera", 250);
            if (server.tls() == Tls.STARTTLS) {
                if (extensions.stream().anyMatch(l -> l.length() > 4 && l.substring(4).trim().equalsIgnoreCase("STARTTLS"))) {
                    c.command("STARTTLS", 220);
                    socket = tls(server, socket);
                    c = new Conversation(socket);
                    c.command("EHLO tessera", 250);
                } else if (server.requireTls()) {
                    // before AUTH: the credentials never cross the wire in plain text
                    throw new IOException("SMTP server " + server.host() + " does not offer STARTTLS and requireTLS is set");
                }
            }
            if (server.username() != null && !server.username().isEmpty()) {
                String token = Base64.getEncoder().encodeToString(("\0" + server.username() + "\0" + server.password())
                        .getBytes(StandardCharsets.UTF_8));
                c.command("AUTH PLAIN " + token, 235);
            }
            c.command("MAIL FROM:<" + address(from) + ">", 250);
            for (String rcpt : to) {
                c.command("RCPT TO:<" + address(rcpt) + ">", 250);
            }
            c.command("DATA", 354);
            StringBuilder m = new StringBuilder();
            m.append("From: ").append(from).append("\r\n");
            m.append("To: ").append(String.join(", ", to)).append("\r\n");
            m.append("Subject: =?UTF-8?B?").append(Base64.getEncoder().encodeToString(subject.getBytes(StandardCharsets.UTF_8)))
                    .append("?=\r\n");
            m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n");
            m.append("MIME-Version: 1.0\r\n");
            m.append("Content-Type: text/plain; charset=UTF-8\r\n");
            m.append("Content-Transfer-Encoding: base64\r\n\r\n");
            String encoded = Base64.getMimeEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
            m.append(encoded).append("\r\n.");
            c.command(m.toString(), 250);
            c.command("QUIT", 221);
        } finally {
            socket.close();
        }
    }

    /** The bare address of "Name <a@b>" or "a@b"; CR/LF refused (header injection). */
    static String address(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("address contains a line break");
        }
        int lt = s.indexOf('<');
        return lt >= 0 ? s.substring(lt + 1, s.indexOf('>', lt)).trim() : s.trim();
    }

    private static Socket tls(Server server, Socket plain) throws IOException {
        SSLSocketFactory factory;
        if (server.insecureSkipVerify()) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new X509TrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                }}, null);
                factory = ctx.getSocketFactory();
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        } else {
            factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        SSLSocket s = (SSLSocket) factory.createSocket(plain, server.host(), server.port(), true);
        if (!server.insecureSkipVerify()) {
            var params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
        }
        s.startHandshake();
        return s;
    }

    private static final class Conversation {
        private final BufferedReader in;
        private final OutputStream out;

        Conversation(Socket socket) throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        /** Sends a command; the reply's lines (e.g. EHLO's extensions). */
        List<String> command(String line, int expected) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return expect(expected);
        }

        List<String> expect(int code) throws IOException {
            List<String> lines = new java.util.ArrayList<>();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("SMTP server closed the connection");
                }
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            if (!line.startsWith(String.valueOf(code))) {
                // the server's reply, never the command (it may carry credentials)
                throw new IOException("SMTP: expected " + code + ", got \"" + line + "\"");
            }
            return lines;
        }
    }
}
