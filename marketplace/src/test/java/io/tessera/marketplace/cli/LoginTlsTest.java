package io.tessera.marketplace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.http.tls.DevelopmentCertificate;
import io.tessera.kernel.http.tls.ServingKeys;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tessera login} over HTTPS with the development certificate that {@code tessera up} makes:
 * refused with what to do when not trusted, accepted with {@code --certificate-authority
 * <data-dir>/tls/serving.crt} or {@code --insecure-skip-tls-verify}, and the choice kept in the session.
 */
class LoginTlsTest {

    @TempDir
    Path tmp;

    private HttpsServer server;

    @BeforeEach
    void httpsWithTheDevelopmentCertificate() throws Exception {
        System.setProperty("tessera.configDir", tmp.resolve("config").toString());
        KernelConfig.Https https = DevelopmentCertificate.ensure(tmp.resolve("data"), "127.0.0.1", 0);
        ServingKeys serving = ServingKeys.load(https);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serving.keyStore(), serving.password().toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/oauth/token", exchange -> {
            byte[] body = "{\"access_token\":\"a1\",\"refresh_token\":\"r1\",\"expires_in\":7200}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("tessera.configDir");
    }

    private static int login(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new LoginCommand());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println("tessera: " + ex.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    @Test
    void theDevelopmentCertificateIsTrustedOnlyWhenNamedOrVerificationIsSkipped() throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort();
        Path certificate = tmp.resolve("data/tls/serving.crt");
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");

        StringWriter untrusted = new StringWriter();
        assertThat(login(untrusted, "--server", url, "-u", "admin", "-p", "x")).isEqualTo(1);
        assertThat(untrusted.toString()).contains("cannot verify the TLS certificate of " + url).contains("--certificate-authority");

        StringWriter err = new StringWriter();
        assertThat(login(err, "--server", url, "-u", "admin", "-p", "x", "--certificate-authority", certificate.toString()))
                .as(err.toString()).isZero();
        assertThat(Files.readString(tmp.resolve("config/session.json"))).contains(certificate.toAbsolutePath().toString());

        StringWriter insecure = new StringWriter();
        assertThat(login(insecure, "--server", url.replace("127.0.0.1", "localhost"), "-u", "admin", "-p", "x",
                "--insecure-skip-tls-verify")).as(insecure.toString()).isZero();
    }
}
