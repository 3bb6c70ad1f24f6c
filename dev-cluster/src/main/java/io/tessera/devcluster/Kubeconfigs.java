package io.tessera.devcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the admin kubeconfig that points kubectl and the kernel at the development cluster. */
final class Kubeconfigs {

    private Kubeconfigs() {
    }

    static void writeAdmin(Path file, String serverUrl) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: tessera-dev
                  cluster:
                    server: %s
                users:
                - name: tessera-dev-admin
                  user:
                    username: admin
                contexts:
                - name: tessera-dev
                  context:
                    cluster: tessera-dev
                    user: tessera-dev-admin
                    namespace: default
                current-context: tessera-dev
                """.formatted(serverUrl);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
