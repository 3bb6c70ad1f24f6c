package io.tessera.kernel.iam.idp;

import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.LDAPConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * A real OpenLDAP {@code slapd} (Debian package {@code slapd}) on a loopback port with its own
 * configuration and database in a temporary directory; stopped (by its own process handle) and
 * removed on close.
 */
final class Slapd implements AutoCloseable {

    static final String BINARY = "/usr/sbin/slapd";
    static final String SUFFIX = "dc=example,dc=com";
    static final String ROOT_DN = "cn=admin," + SUFFIX;
    static final String ROOT_PASSWORD = "ldap-admin-secret";

    final int port;
    private final Path dir;
    private final Process process;

    private Slapd(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static Slapd start() throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install -y slapd ldap-utils (see docs/iam.md)");
        }
        Path dir = Files.createTempDirectory("slapd");
        Files.createDirectories(dir.resolve("db"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String conf = String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "pidfile " + dir.resolve("slapd.pid"),
                "argsfile " + dir.resolve("slapd.args"),
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                "maxsize 10485760",
                "suffix \"" + SUFFIX + "\"",
                "rootdn \"" + ROOT_DN + "\"",
                "rootpw " + ROOT_PASSWORD,
                "directory " + dir.resolve("db"),
                "");
        Path confFile = dir.resolve("slapd.conf");
        Files.writeString(confFile, conf);
        // -d 0 keeps slapd in the foreground, so this process handle is slapd itself
        Process p = new ProcessBuilder(BINARY, "-d", "0", "-h", "ldap://127.0.0.1:" + port + "/", "-f", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
        Slapd slapd = new Slapd(port, dir, p);
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
                }
                try (LDAPConnection c = new LDAPConnection("127.0.0.1", port)) {
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            slapd.close();
            throw e;
        }
        return slapd;
    }

    LDAPConnection admin() throws Exception {
        return new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PASSWORD);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
