package io.tessera.kernel.cli;

import io.tessera.devcluster.DevCluster;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tessera dev-cluster}: only the embedded development cluster, so that several kernels
 * ({@code tessera up --kubeconfig D/kubeconfig}) can share one, as replicas on a real cluster do.
 */
@Command(name = "dev-cluster", mixinStandardHelpOptions = true,
        description = "Serve only the embedded development cluster (a Kubernetes API) until Ctrl-C or SIGTERM.")
public final class DevClusterCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Where the cluster keeps its state and writes its admin kubeconfig.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the API server; 0 (default) picks a free port.")
    int port;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address of the API server (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        Tessera.serverLogsToStdout();
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install(spec.commandLine().getErr());
        try (DevCluster cluster = DevCluster.start(dataDir.toAbsolutePath(), address, port)) {
            out.printf("Development cluster serving at %s%n", cluster.url());
            out.printf("  kubeconfig: %s%n", cluster.kubeconfig());
            out.printf("  try:        KUBECONFIG=%s kubectl get ns%n", cluster.kubeconfig());
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stop.await();
            out.println("Stopping the development cluster…");
            out.flush();
        }
        out.println("Stopped.");
        out.flush();
        return 0;
    }
}
