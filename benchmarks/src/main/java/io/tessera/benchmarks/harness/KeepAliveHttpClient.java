package io.tessera.benchmarks.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The lightest honest HTTP/1.1 client for latency benchmarks: one blocking keep-alive socket,
 * requests written whole, the answer read on the calling thread (status line, headers, then a
 * {@code Content-Length} or chunked body, all of it). No executor, no selector, no hand-off
 * between threads, so what a sample measures is the server's work plus the loopback round trip,
 * not the client's machinery ({@code java.net.http} adds its own selector thread and futures to
 * every exchange). Plain HTTP only; the connection is reopened when the server closes it.
 */
public final class KeepAliveHttpClient implements AutoCloseable {

    /** One answer: status and the number of body bytes read. */
    public record Answer(int status, int bodyBytes, String body) {
    }

    private final String host;
    private final int port;
    private final String authority;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] body = new byte[256 * 1024];

    public KeepAliveHttpClient(URI base) {
        if (!"http".equals(base.getScheme())) {
            throw new IllegalArgumentException("plain http only: " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.authority = host + ":" + port;
    }

    /**
     * Sends one request and reads the whole answer.
     *
     * @param keepBody whether the body is returned as text (for small answers that are checked)
     */
    public Answer exchange(String method, String pathAndQuery, Map<String, String> headers, byte[] requestBody,
            boolean keepBody) throws IOException {
        for (int attempt = 0; ; attempt++) {
            boolean fresh = socket == null;
            if (fresh) {
                connect();
            }
            try {
                write(method, pathAndQuery, headers, requestBody);
                return read(keepBody);
            } catch (EOFException | java.net.SocketException e) {
                // the server closed an idle keep-alive connection between two requests: once more on a new one
                closeSocket();
                if (fresh || attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private void write(String method, String pathAndQuery, Map<String, String> headers, byte[] requestBody) throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (requestBody != null) {
            head.append("Content-Length: ").append(requestBody.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (requestBody == null || requestBody.length == 0) {
            out.write(h);
        } else {
            byte[] all = new byte[h.length + requestBody.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(requestBody, 0, all, h.length, requestBody.length);
            out.write(all);
        }
        out.flush();
    }

    private Answer read(boolean keepBody) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        int n;
        if (chunked) {
            n = 0;
            for (int size = Integer.parseInt(chunkSize(line()), 16); size > 0; size = Integer.parseInt(chunkSize(line()), 16)) {
                n = readInto(n, size);
                line(); // the CRLF after the chunk
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            n = readInto(0, (int) length);
        } else {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            in.transferTo(rest);
            byte[] all = rest.toByteArray();
            ensure(all.length);
            System.arraycopy(all, 0, body, 0, all.length);
            n = all.length;
            close = true;
        }
        if (close) {
            closeSocket();
        }
        return new Answer(status, n, keepBody ? new String(body, 0, n, StandardCharsets.UTF_8) : null);
    }

    private static String chunkSize(String line) {
        int semi = line.indexOf(';');
        return (semi < 0 ? line : line.substring(0, semi)).trim();
    }

    private int readInto(int offset, int count) throws IOException {
        ensure(offset + count);
        int read = in.readNBytes(body, offset, count);
        if (read < count) {
            throw new EOFException("body ended after " + read + " of " + count + " bytes");
        }
        return offset + count;
    }

    private void ensure(int size) {
        if (body.length < size) {
            body = java.util.Arrays.copyOf(body, Math.max(size, body.length * 2));
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c == '\n') {
                int len = s.length();
                if (len > 0 && s.charAt(len - 1) == '\r') {
                    s.setLength(len - 1);
                }
                return s.toString();
            }
            s.append((char) c);
        }
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }

    @Override
    public void close() {
        closeSocket();
    }
}
