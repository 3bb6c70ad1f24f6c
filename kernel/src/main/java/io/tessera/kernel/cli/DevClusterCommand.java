package io.tessera.kernel.cli;

import io.tessera.devcluster.DevClusterMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tessera dev-cluster}: only the embedded development cluster, so that several kernels
 * ({@code tessera up --kubeconfig D/cluster-kubeconfig}) can share one, as replicas on a real
 * cluster do. The options are declared here for help and validation; serving, printing and
 * stopping belong to {@link DevClusterMain}.
 */
@Command(name = "dev-cluster", mixinStandardHelpOptions = true,
        description = "Serve only the embedded development cluster (a Kubernetes API) until Ctrl-C or SIGTERM.")
public final class DevClusterCommand implements Callable<Integer>, TesseraCommand {

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Where the cluster keeps its state and writes its admin kubeconfig.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the API server; 0 (default) picks a free port.")
    int port;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address of the API server (default: ${DEFAULT-VALUE}).")
    String address;

    @Override
    public Integer call() {
        Tessera.serverLogsToStdout();
        // returns only when the cluster failed to start (it exits itself then) or after a stop
        DevClusterMain.main(new String[] {
            "--data-dir", dataDir.toAbsolutePath().toString(), "--port", Integer.toString(port), "--address", address});
        return 0;
    }
}
