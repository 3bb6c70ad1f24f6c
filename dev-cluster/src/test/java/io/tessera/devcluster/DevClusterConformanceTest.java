package io.tessera.devcluster;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every behaviour in {@link Behaviours} holds on the development cluster. */
class DevClusterConformanceTest {

    @TempDir
    static Path dataDir;

    static ClusterUnderTest cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterUnderTest.ours(dataDir);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static List<Behaviours.Behaviour> behaviours() {
        List<Behaviours.Behaviour> all = new java.util.ArrayList<>(Behaviours.all());
        all.addAll(Behaviours.alsoOnStock());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("behaviours")
    void holds(Behaviours.Behaviour behaviour) throws Exception {
        behaviour.check().run(cluster);
    }
}
