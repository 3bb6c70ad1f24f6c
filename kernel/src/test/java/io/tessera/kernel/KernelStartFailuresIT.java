package io.tessera.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every start failure is one clear line, and a failed start leaves nothing running. */
class KernelStartFailuresIT {

    @TempDir
    Path dataDir;

    @Test
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(port)))
                    .isInstanceOf(KernelStartException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use");
        }
        // the embedded cluster was never started
        assertThat(dataDir.resolve("store")).doesNotExist();
    }

    @Test
    void httpsPortInUseNamesThatPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            KernelConfig.Https https = io.tessera.kernel.http.tls.DevelopmentCertificate.ensure(dataDir, "127.0.0.1", port);
            assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withServer(
                    new KernelConfig.Server("127.0.0.1", 0, https, java.time.Duration.ofSeconds(1)))))
                    .isInstanceOf(KernelStartException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void unreadableKubeconfig() {
        Path missing = dataDir.resolve("no-such-kubeconfig");
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(0).withKubeconfig(missing)))
                .isInstanceOf(KernelStartException.class)
                .hasMessageStartingWith("cannot read kubeconfig " + missing + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void invalidKubeconfig() throws Exception {
        Path broken = Files.writeString(dataDir.resolve("broken"), "clusters: [this is: not: yaml");
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(0).withKubeconfig(broken)))
                .isInstanceOf(KernelStartException.class)
                .hasMessageStartingWith("kubeconfig " + broken + " is not valid");
    }

    @Test
    void unreachableClusterNamesItsUrlAndReleasesThePort() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        int httpPort;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            httpPort = s.getLocalPort();
        }
        Path kubeconfig = Files.writeString(dataDir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gone
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: u
                  user:
                    token: abc
                contexts:
                - name: c
                  context:
                    cluster: gone
                    user: u
                current-context: c
                """.formatted(closedPort));
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(httpPort).withKubeconfig(kubeconfig)))
                .isInstanceOf(KernelStartException.class)
                .hasMessageStartingWith("cannot reach the Kubernetes API at http://127.0.0.1:" + closedPort)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        try (ServerSocket again = new ServerSocket(httpPort, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(httpPort);
        }
    }

    @Test
    void badHttpsKeystore() throws Exception {
        Path notAKeystore = Files.writeString(dataDir.resolve("server.p12"), "not a keystore");
        KernelConfig config = KernelConfig.defaults(dataDir).withServer(new KernelConfig.Server("127.0.0.1", 0,
                new KernelConfig.Https(0, notAKeystore, "secret"), java.time.Duration.ofSeconds(1)));
        assertThatThrownBy(() -> Kernel.start(config))
                .isInstanceOf(KernelStartException.class)
                .hasMessage("cannot load the HTTPS keystore " + notAKeystore + ": not a PKCS12 keystore, or the password is wrong");
        Path missing = dataDir.resolve("missing.p12");
        assertThatThrownBy(() -> Kernel.start(config.withServer(new KernelConfig.Server("127.0.0.1", 0,
                new KernelConfig.Https(0, missing, "secret"), java.time.Duration.ofSeconds(1)))))
                .hasMessage("cannot read the HTTPS keystore " + missing + ": no such file");
    }

    record Named(String name, List<String> dependsOn) implements KernelModule {
        @Override
        public void start(KernelContext context) {
        }
    }

    @Test
    void moduleCycleIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(0),
                List.of(new Named("a", List.of("b")), new Named("b", List.of("a")))))
                .isInstanceOf(KernelStartException.class)
                .hasMessage("kernel module dependency cycle: a -> b -> a");
    }

    @Test
    void failingModuleStopsTheOnesStartedBefore() {
        AtomicBoolean firstStopped = new AtomicBoolean();
        KernelModule first = new KernelModule() {
            @Override
            public String name() {
                return "first";
            }

            @Override
            public void start(KernelContext context) {
            }

            @Override
            public void stop() {
                firstStopped.set(true);
            }
        };
        KernelModule broken = new KernelModule() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<String> dependsOn() {
                return List.of("first");
            }

            @Override
            public void start(KernelContext context) {
                throw new IllegalStateException("no identity provider configured");
            }
        };
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(0), List.of(broken, first)))
                .isInstanceOf(KernelStartException.class)
                .hasMessage("kernel module broken failed to start: no identity provider configured");
        assertThat(firstStopped).isTrue();
    }

    @Test
    void nonStructuralCrdIsRefused() {
        KernelModule module = new KernelModule() {
            @Override
            public String name() {
                return "gadgets";
            }

            @Override
            public List<String> crdResources() {
                return List.of("test-crds/not-structural.yaml");
            }

            @Override
            public void start(KernelContext context) {
            }
        };
        assertThatThrownBy(() -> Kernel.start(KernelConfig.defaults(dataDir).withPort(0), List.of(module)))
                .isInstanceOf(KernelStartException.class)
                .hasMessageContaining("kernel module gadgets: cannot apply its CRDs: CRD gadgets.test.tessera.io version v1")
                .hasMessageContaining("has no structural schema");
    }
}
