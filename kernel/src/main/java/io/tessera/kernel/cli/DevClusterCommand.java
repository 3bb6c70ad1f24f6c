package io.tessera.kernel.cli;

import io.tessera.devcluster.DevClusterMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Tessera.serverLogsToStdout();
        // DevClusterMain serves until the JVM exits and closes the cluster in a shutdown hook (it exits
        // by itself, non-zero, when the cluster cannot start). Catching SIGINT/SIGTERM here and
        // returning 0 turns a stop into System.exit(0), which runs that hook: a clean stop exits 0.
        StopSignal stop = StopSignal.install(spec.commandLine().getErr());
        Thread server = new Thread(() -> DevClusterMain.main(new String[] {
            "--data-dir", dataDir.toAbsolutePath().toString(), "--port", Integer.toString(port), "--address", address}),
                "dev-cluster-main");
        server.setDaemon(true);
        server.start();
        stop.await();
        return 0;
    }
}
