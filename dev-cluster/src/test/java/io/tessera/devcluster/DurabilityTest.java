package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.devcluster.store.CorruptStoreException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State in the data directory survives kill -9; torn tails are dropped; damage and newer formats stop the start. */
class DurabilityTest {

    @TempDir
    Path dataDir;

    static ConfigMap cm(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToData("v", value).build();
    }

    @Test
    void acknowledgedWritesSurviveKill9() throws Exception {
        Map<String, String> expected = new ConcurrentHashMap<>();
        long highestAcknowledged;
        try (ChildCluster child = ChildCluster.start(dataDir); KubernetesClient client = child.client()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Long>> acks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String name = "durable-" + i;
                acks.add(pool.submit(() -> {
                    ConfigMap created = client.configMaps().inNamespace("default").resource(cm(name, name)).create();
                    expected.put(name, name); // acknowledged with a 2xx: must survive
                    return Long.parseLong(created.getMetadata().getResourceVersion());
                }));
            }
            long max = 0;
            for (Future<Long> f : acks) {
                max = Math.max(max, f.get());
            }
            pool.shutdown();
            for (int i = 0; i < 50; i++) {
                client.configMaps().inNamespace("default").withName("durable-" + i).delete();
                expected.remove("durable-" + i);
            }
            ConfigMap updated = client.configMaps().inNamespace("default").withName("durable-399")
                    .edit(c -> new ConfigMapBuilder(c).addToData("v", "updated").build());
            expected.put("durable-399", "updated");
            highestAcknowledged = Math.max(max, Long.parseLong(updated.getMetadata().getResourceVersion()));
            child.killHard();
        }
        try (ChildCluster child = ChildCluster.start(dataDir); KubernetesClient client = child.client()) {
            Map<String, String> found = new ConcurrentHashMap<>();
            client.configMaps().inNamespace("default").list().getItems().stream()
                    .filter(c -> c.getMetadata().getName().startsWith("durable-"))
                    .forEach(c -> found.put(c.getMetadata().getName(), c.getData().get("v")));
            assertThat(found).isEqualTo(expected);
            ConfigMap next = client.configMaps().inNamespace("default").resource(cm("after-restart", "x")).create();
            assertThat(Long.parseLong(next.getMetadata().getResourceVersion()))
                    .as("resourceVersion keeps growing across a kill -9 (the 50 deletes included)")
                    .isGreaterThan(highestAcknowledged);
        }
    }

    @Test
    void resourceVersionIsMonotonicAcrossRestartsAndCompaction() throws Exception {
        long beforeStop;
        // A tiny compaction threshold, so the restart reads a snapshot plus a log.
        Map<String, Long> options = Map.of("compactEvery", 10L);
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0, options); KubernetesClient client = cluster.newClient()) {
            for (int i = 0; i < 25; i++) {
                client.configMaps().inNamespace("default").resource(cm("m" + i, "v")).create();
            }
            for (int i = 0; i < 5; i++) {
                client.configMaps().inNamespace("default").withName("m" + i).delete();
            }
            beforeStop = cluster.resourceVersion();
            assertThat(Files.exists(dataDir.resolve("store/snapshot.dat"))).isTrue();
        }
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0, options); KubernetesClient client = cluster.newClient()) {
            assertThat(cluster.resourceVersion()).isGreaterThanOrEqualTo(beforeStop);
            assertThat(client.configMaps().inNamespace("default").list().getItems().stream()
                    .filter(c -> c.getMetadata().getName().startsWith("m")).count()).isEqualTo(20);
            ConfigMap next = client.configMaps().inNamespace("default").resource(cm("n", "v")).create();
            assertThat(Long.parseLong(next.getMetadata().getResourceVersion())).isGreaterThan(beforeStop);
        }
    }

    /** Returns the log's size once "first" was acknowledged: everything before it is fsynced. */
    private long writeTwoAndStop() throws Exception {
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            client.configMaps().inNamespace("default").resource(cm("first", "1")).create();
            long afterFirst = Files.size(dataDir.resolve("store/log.dat"));
            client.configMaps().inNamespace("default").resource(cm("second", "2")).create();
            return afterFirst;
        }
    }

    @Test
    void tornLastRecordIsDroppedAndStartSucceeds() throws Exception {
        long afterFirst = writeTwoAndStop();
        Path log = dataDir.resolve("store/log.dat");
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(afterFirst + 20); // the record after "first" cut mid-way, as a crash during its write leaves it
        }
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            assertThat(client.configMaps().inNamespace("default").withName("first").get()).isNotNull();
            assertThat(client.configMaps().inNamespace("default").withName("second").get())
                    .as("the torn record is dropped").isNull();
        }
    }

    @Test
    void damagedAcknowledgedRecordStopsTheStartNamingTheFile() throws Exception {
        writeTwoAndStop();
        Path log = dataDir.resolve("store/log.dat");
        byte[] bytes = Files.readAllBytes(log);
        int inFirstRecord = 30; // inside the payload of the first record, which later records follow
        bytes[inFirstRecord] ^= 0x5a;
        Files.write(log, bytes);
        assertThatThrownBy(() -> DevCluster.start(dataDir, "127.0.0.1", 0))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining(log.toString())
                .hasMessageContaining("checksum");
        String[] exit = ChildCluster.runToExit(dataDir);
        assertThat(exit[0]).isNotEqualTo("0");
        assertThat(exit[1]).contains("dev-cluster failed to start").contains(log.toString());
    }

    @Test
    void damagedLengthFieldIsNotMistakenForATornTail() throws Exception {
        writeTwoAndStop();
        Path log = dataDir.resolve("store/log.dat");
        byte[] bytes = Files.readAllBytes(log);
        java.nio.ByteBuffer.wrap(bytes).putInt(0, 0x00ffffff); // the first record's length now points past the end
        Files.write(log, bytes);
        assertThatThrownBy(() -> DevCluster.start(dataDir, "127.0.0.1", 0))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining(log.toString());
    }

    @Test
    void newerStoreFormatIsRefusedClearly() throws Exception {
        writeTwoAndStop();
        Files.writeString(dataDir.resolve("store/FORMAT"), "2\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DevCluster.start(dataDir, "127.0.0.1", 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newer Tessera").hasMessageContaining("format 2");
    }

    @Test
    void storeWithoutFormatFileIsMigrated() throws Exception {
        writeTwoAndStop();
        Files.delete(dataDir.resolve("store/FORMAT"));
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            assertThat(client.configMaps().inNamespace("default").withName("second").get()).isNotNull();
        }
        assertThat(Files.readString(dataDir.resolve("store/FORMAT")).trim()).isEqualTo("1");
    }

    @Test
    void sigtermStopsCleanlyAndReleasesTheDataDir() throws Exception {
        try (ChildCluster child = ChildCluster.start(dataDir); KubernetesClient client = child.client()) {
            client.configMaps().inNamespace("default").resource(cm("before-sigterm", "x")).create();
            child.process.destroy(); // SIGTERM: the shutdown hook stops the server and closes the store
            assertThat(child.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(child.process.exitValue()).isEqualTo(143);
        }
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            assertThat(client.configMaps().inNamespace("default").withName("before-sigterm").get()).isNotNull();
        }
    }

    @Test
    void secondProcessOnTheSameDataDirIsRefused() throws Exception {
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0)) {
            String[] exit = ChildCluster.runToExit(dataDir);
            assertThat(exit[0]).isEqualTo("1");
            assertThat(exit[1]).contains("in use by another dev-cluster process");
        }
    }
}
