package io.tessera.extensions.notification;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The STARTTLS part of an SMTP server in front of GreenMail, which has none (greenmail issue
 * #135): greets, advertises only STARTTLS, refuses every other command with 530 until the client
 * has upgraded (RFC 3207), completes the TLS handshake with GreenMail's own test certificate,
 * then relays the encrypted session to GreenMail's plain SMTP port, so GreenMail does the rest of
 * the conversation (EHLO, AUTH, MAIL, DATA) and stores the message.
 */
final class StartTlsFront implements AutoCloseable {

    /** The negotiated protocol of each completed handshake, e.g. "TLSv1.3". */
    final List<String> handshakes = new CopyOnWriteArrayList<>();
    /** Commands a client sent in plain text other than EHLO/HELO/STARTTLS (what must not happen). */
    final List<String> plainCommands = new CopyOnWriteArrayList<>();

    private final ServerSocket server;
    private final int greenMailPort;
    private final SSLContext tls;

    StartTlsFront(int greenMailPort) throws Exception {
        this.greenMailPort = greenMailPort;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = com.icegreen.greenmail.util.GreenMail.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "starttls-front");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "starttls-front-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket plain) {
        try (plain) {
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            write(out, "220 front ESMTP\r\n");
            for (;;) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String verb = line.split(" ", 2)[0].toUpperCase();
                if (verb.equals("EHLO")) {
                    write(out, "250-front\r\n250 STARTTLS\r\n");
                } else if (verb.equals("HELO")) {
                    write(out, "250 front\r\n");
                } else if (verb.equals("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS\r\n");
                    break;
                } else if (verb.equals("QUIT")) {
                    write(out, "221 bye\r\n");
                    return;
                } else {
                    plainCommands.add(verb);
                    write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                }
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
            secure.setUseClientMode(false);
            secure.startHandshake();
            handshakes.add(secure.getSession().getProtocol());
            try (Socket greenMail = new Socket(InetAddress.getLoopbackAddress(), greenMailPort)) {
                InputStream gin = greenMail.getInputStream();
                String greeting;
                do { // GreenMail's own greeting: the client had ours
                    greeting = readLine(gin);
                } while (greeting != null && greeting.length() > 3 && greeting.charAt(3) == '-');
                Thread up = new Thread(() -> copy(secure, greenMail), "starttls-front-up");
                up.setDaemon(true);
                up.start();
                copy(greenMail, secure);
                up.join(5_000);
            }
        } catch (Exception e) {
            // the session ends; the test judges by what arrived
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            // one side closed
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One CRLF-terminated line, byte by byte: nothing after it may be consumed before the TLS handshake. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
