package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The negative control: each check in {@link Behaviours} fails against fabric8's stock
 * {@code KubernetesCrudDispatcher}, so a passing {@link DevClusterConformanceTest} means something.
 */
class StockDispatcherNegativeControlTest {

    static ClusterUnderTest stock;

    @BeforeAll
    static void start() throws Exception {
        stock = ClusterUnderTest.stock();
    }

    @AfterAll
    static void stop() {
        if (stock != null) {
            stock.close();
        }
    }

    static List<Behaviours.Behaviour> behaviours() {
        return Behaviours.all();
    }

    @ParameterizedTest(name = "stock dispatcher fails: {0}")
    @MethodSource("behaviours")
    void stockFails(Behaviours.Behaviour behaviour) {
        assertThatThrownBy(() -> behaviour.check().run(stock)).as("the stock dispatcher should fail '%s'", behaviour.name())
                .isInstanceOfAny(AssertionError.class, RuntimeException.class);
    }
}
