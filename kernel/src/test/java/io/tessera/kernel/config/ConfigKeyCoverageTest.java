package io.tessera.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every component of {@link KernelConfig} can be set through a configuration key: set every key
 * to a value other than its default and check that every leaf of the record changed. A component
 * added to the record without a key fails here by name.
 */
class ConfigKeyCoverageTest {

    @TempDir
    Path tmp;

    @Test
    void everyRecordComponentIsReachableFromAKey() throws Exception {
        // HTTPS takes a keystore or a PEM pair, never both: each half of the keys is loaded on its own
        Set<ConfigKey> pem = EnumSet.of(ConfigKey.SERVER_HTTPS_CERTIFICATE, ConfigKey.SERVER_HTTPS_KEY);
        Set<ConfigKey> keystore = EnumSet.of(ConfigKey.SERVER_HTTPS_KEYSTORE, ConfigKey.SERVER_HTTPS_KEYSTORE_PASSWORD);
        KernelConfig defaults = KernelConfig.defaults(tmp.resolve("default-data"));
        List<String> unchangedWithKeystore = new ArrayList<>();
        compare("", loadAllBut(pem), defaults, unchangedWithKeystore);
        List<String> unchangedWithPem = new ArrayList<>();
        compare("", loadAllBut(keystore), defaults, unchangedWithPem);
        unchangedWithKeystore.retainAll(unchangedWithPem);
        assertThat(unchangedWithKeystore).as("KernelConfig components that no configuration key sets").isEmpty();
    }

    /** Every key but {@code left} set to a value other than its default. */
    private KernelConfig loadAllBut(Set<ConfigKey> left) throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), "clusters:\n- name: c\n  cluster: {server: http://127.0.0.1:1}\n");
        Path file = Files.writeString(tmp.resolve("ks.p12"), "x");
        ConfigLoader loader = new ConfigLoader(tmp.resolve("default-data")).workingDirectory(tmp);
        int port = 12000;
        for (ConfigKey key : ConfigKey.values()) {
            if (left.contains(key)) {
                continue;
            }
            String value = switch (key.type()) {
                case HOST -> "localhost";
                case PORT -> Integer.toString(port++);
                // leader election needs retryPeriod < renewDeadline < leaseDuration
                case DURATION, POSITIVE_DURATION -> key == ConfigKey.LEADER_ELECTION_RENEW_DEADLINE ? "5m"
                        : key == ConfigKey.LEADER_ELECTION_RETRY_PERIOD ? "3m" : "7m";
                case PATH -> tmp.resolve("data").toString();
                case OPTIONAL_PATH -> key == ConfigKey.KUBECONFIG ? kubeconfig.toString() : file.toString();
                case SECRET, OPTIONAL_SECRET -> "not-the-default";
                case USER_NAME -> "root2";
                case CLUSTER_NAME -> "east-1";
                case POSITIVE_INT -> "9";
                case BOOLEAN -> "true";
                case OAUTH_CLIENTS -> "a:b";
                case OPTIONAL_HTTPS_URL -> "https://tessera-webhook.example:8443";
            };
            loader.flag(key.key(), value, "--set " + key.key());
        }
        return loader.load();
    }

    private static void compare(String prefix, Record changed, Record defaults, List<String> unchanged) throws Exception {
        for (RecordComponent component : changed.getClass().getRecordComponents()) {
            Object a = component.getAccessor().invoke(changed);
            Object b = component.getAccessor().invoke(defaults);
            String name = prefix + component.getName();
            if (a instanceof Record ra && b instanceof Record rb) {
                compare(name + ".", ra, rb, unchanged);
            } else if (java.util.Objects.equals(a, b)) {
                unchanged.add(name);
            }
        }
    }
}
