package io.tessera.kernel.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Prefix validation and lookups of the route table (mounting itself is covered over HTTP). */
class RouteTableTest {

    @Test
    void kapisPrefixIsGroupAndVersion() {
        assertThat(RouteTable.kapisPrefix("iam.kubesphere.io", "v1beta1")).isEqualTo("/kapis/iam.kubesphere.io/v1beta1");
        assertThatThrownBy(() -> RouteTable.kapisPrefix("a/b", "v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouteTable.kapisPrefix("", "v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouteTable.kapisPrefix("g", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mountRejectsMalformedPrefixes() {
        RouteTable table = new RouteTable();
        assertThatThrownBy(() -> table.mount("oauth", "k", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.mount("/oauth/", "k", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.mount("/kapis/g", "k", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.mount("/kapis/g/v/x", "k", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mountBeforeTheServerStartedIsRefused() {
        RouteTable table = new RouteTable();
        assertThatThrownBy(() -> table.mount("/oauth", "k", JaxRsApps.forResources("x", java.util.List.of())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyTableServesNothing() {
        RouteTable table = new RouteTable();
        assertThat(table.mountFor("/kapis/g/v/things")).isNull();
        assertThat(table.mountFor("/oauth/token")).isNull();
        assertThat(table.unmount("/oauth", "k")).isFalse();
        assertThat(table.prefixes()).isEmpty();
    }
}
