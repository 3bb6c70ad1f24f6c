package io.tessera.devcluster;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tessera dev-cluster --data-dir D [--port P] [--address A]}: serves only the development cluster,
 * so several kernel processes can share it. Prints one line when serving; stops cleanly on SIGTERM/Ctrl-C.
 */
public final class DevClusterMain {

    private DevClusterMain() {
    }

    public static void main(String[] args) {
        Path dataDir = null;
        int port = 0;
        String address = "127.0.0.1";
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--data-dir" -> dataDir = Path.of(require(a, value));
                    case "--port" -> port = Integer.parseInt(require(a, value));
                    case "--address" -> address = require(a, value);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (expected --data-dir D, --port P, --address A)");
                }
                i++;
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("dev-cluster: " + (e instanceof NumberFormatException ? "--port must be a number" : e.getMessage()));
            System.exit(2);
            return;
        }
        DevCluster cluster;
        try {
            cluster = DevCluster.start(dataDir, address, port);
        } catch (Exception e) {
            System.err.println("dev-cluster failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "dev-cluster-shutdown"));
        System.out.println("dev-cluster serving " + cluster.url() + " (kubeconfig " + cluster.kubeconfig() + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String require(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
