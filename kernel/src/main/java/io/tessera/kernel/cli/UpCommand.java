package io.tessera.kernel.cli;

import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.ConfigLoader;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.http.tls.DevelopmentCertificate;
import io.tessera.kernel.kube.KubeConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tessera up}: the platform in the foreground until Ctrl-C or SIGTERM, which stop it
 * cleanly (exit 0). Flags are the highest configuration layer (see {@link ConfigLoader}); they are
 * taken as text so that a bad value is refused with the same message as in the file.
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start Tessera in the foreground; Ctrl-C or SIGTERM stops it.",
                "Without --kubeconfig (or KUBECONFIG), it runs on the embedded development cluster."})
public final class UpCommand implements Callable<Integer>, TesseraCommand {

    /** Set by the launcher: the distribution's folder (its conf/tessera.yaml is read when present). */
    static final String HOME_PROPERTY = "tessera.home";
    /** Set by {@code ./tessera} at the repository root, so that the repository's .tessera/ is the default. */
    static final String DEFAULT_DATA_DIR_PROPERTY = "tessera.defaultDataDir";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (server.port; default 8080; 0 picks a free port).")
    String port;

    @Option(names = "--address", paramLabel = "ADDRESS", description = "HTTP address (server.address; default 127.0.0.1).")
    String address;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (dataDir).")
    String dataDir;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Run on the cluster of this kubeconfig instead of the embedded development cluster.")
    String kubeconfig;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: the distribution's conf/tessera.yaml).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. --set iam.adminPassword=secret (repeatable).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--debug", description = "Verbose logs for Tessera's packages and stack traces with errors.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        KernelConfig config = loadConfig();
        Tessera.serverLogsToStdout();
        if (config.debug()) {
            // before the kernel's first logger exists: slf4j-simple reads its settings once
            System.setProperty("org.slf4j.simpleLogger.log.io.tessera", "debug");
        }
        config = withDevelopmentCertificate(config);
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install(spec.commandLine().getErr());
        out.printf("Starting Tessera %s (data in %s)…%n", Tessera.version(), config.dataDir());
        out.flush();
        long begin = System.nanoTime();
        Kernel kernel = Kernel.start(config);
        try {
            printBanner(out, kernel, config, (System.nanoTime() - begin) / 1_000_000);
            stop.await();
            out.println("Stopping Tessera…");
            out.flush();
        } finally {
            kernel.close();
        }
        out.println("Stopped.");
        out.flush();
        return 0;
    }

    KernelConfig loadConfig() throws Exception {
        ConfigLoader loader = new ConfigLoader(defaultDataDir()).environment(System.getenv());
        if (configFile != null) {
            loader.file(configFile, true);
        } else if (System.getProperty(HOME_PROPERTY) != null) {
            loader.file(Path.of(System.getProperty(HOME_PROPERTY), "conf", "tessera.yaml"), false);
        }
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--set needs KEY=VALUE, not '" + setting + "'");
            }
            loader.flag(setting.substring(0, eq), setting.substring(eq + 1), "--set " + setting.substring(0, eq));
        }
        // the named flags come last: they are what the user typed most deliberately
        flag(loader, "server.port", port, "--port");
        flag(loader, "server.address", address, "--address");
        flag(loader, "dataDir", dataDir, "--data-dir");
        flag(loader, "kubeconfig", kubeconfig, "--kubeconfig");
        if (debug) {
            loader.flag("debug", "true", "--debug");
        }
        return loader.load();
    }

    /**
     * On the embedded default without configured HTTPS (keystore or PEM), it is served with a self-signed
     * certificate from the data dir: kubectl sends a user's token only over HTTPS, so the
     * platform's kubeconfigs need it. A configured keystore or a real cluster is left alone.
     */
    static KernelConfig withDevelopmentCertificate(KernelConfig config) throws IOException {
        KernelConfig.Server server = config.server();
        if (server.https().enabled() || config.kubeconfig() != null || KubeConnection.inCluster()) {
            return config;
        }
        KernelConfig.Https https = DevelopmentCertificate.ensure(config.dataDir(), server.address(), server.https().port());
        return config.withServer(new KernelConfig.Server(server.address(), server.port(), https, server.shutdownGrace()));
    }

    private static void flag(ConfigLoader loader, String key, String value, String name) {
        if (value != null) {
            loader.flag(key, value, name);
        }
    }

    static Path defaultDataDir() {
        String explicit = System.getProperty(DEFAULT_DATA_DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getProperty(HOME_PROPERTY);
        return home != null ? Path.of(home, "data") : Path.of(".tessera");
    }

    private static void printBanner(PrintWriter out, Kernel kernel, KernelConfig config, long millis) {
        URI base = kernel.baseUri();
        DevCluster embedded = kernel.embeddedCluster();
        out.printf(java.util.Locale.ROOT, "Tessera is up (%.2f s).%n", millis / 1000.0);
        out.printf("  Console:    %s%n", consoleUrl(base));
        if (kernel.httpsUri() != null) {
            out.printf("  HTTPS:      %s%n", consoleUrl(kernel.httpsUri()));
        }
        if (embedded != null) {
            out.printf("  Admin:      %s / %s%n", config.iam().adminUsername(), config.iam().adminPassword());
            out.printf("  Kubernetes: embedded development cluster; KUBECONFIG=%s kubectl get ns%n", embedded.kubeconfig());
            if (kernel.httpsUri() != null) {
                out.printf("  kubectl as a platform user: tessera kubeconfig --server %s --username %s -o FILE%n",
                        base, config.iam().adminUsername());
                Path certificate = config.dataDir().resolve("tls").resolve(DevelopmentCertificate.CERTIFICATE);
                if (java.nio.file.Files.exists(certificate)) {
                    out.printf("  CLI:        tessera login --server %s --certificate-authority %s --username %s%n",
                            consoleUrl(kernel.httpsUri()).replaceAll("/$", ""), certificate, config.iam().adminUsername());
                }
            }
        } else {
            // On a real cluster the configured password is only the first one and may be changed since;
            // keep it out of output that container logs collect.
            out.printf("  Admin:      %s (initial password: iam.adminPassword)%n", config.iam().adminUsername());
            out.printf("  Kubernetes: %s%n", config.kubeconfig() == null ? "in-cluster service account" : "kubeconfig " + config.kubeconfig());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /** A listener on every interface is reached on this machine through loopback. */
    static String consoleUrl(URI base) {
        String host = base.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return base.getScheme() + "://127.0.0.1:" + base.getPort() + "/";
        }
        String s = base.toString();
        return s.endsWith("/") ? s : s + "/";
    }
}
