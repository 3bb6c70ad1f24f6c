package io.tessera.kernel.iam.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamTypes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth clients (reference §1.3): those of the kernel configuration (trusted, no redirect URIs, so
 * they serve the password and refresh grants) plus KubeSphere-style client Secrets in
 * {@code kubesphere-system} (label {@code config.kubesphere.io/type: oauthclient}, key
 * {@code configuration.yaml}), watched live; a Secret client overrides a configured one of the
 * same name.
 */
public final class OAuthClients implements AutoCloseable {

    public static final String SECRET_TYPE = "config.kubesphere.io/oauthclient";

    /** One client; {@code secret} never leaves the server. */
    public record Client(String name, String secret, boolean trusted, String grantMethod, List<String> scopeRestrictions,
                         List<String> redirectUris, long accessTokenMaxAgeSeconds, long accessTokenInactivityTimeoutSeconds) {

        /** KubeSphere: a client overrides the lifetimes only when it sets both (reference §1.2). */
        public boolean overridesLifetimes() {
            return accessTokenMaxAgeSeconds > 0 && accessTokenInactivityTimeoutSeconds > 0;
        }

        /** An empty redirect resolves to the first allowed one; anything else must be listed exactly. */
        public Optional<String> resolveRedirect(String requested) {
            if (requested == null || requested.isEmpty()) {
                return redirectUris.isEmpty() ? Optional.empty() : Optional.of(redirectUris.get(0));
            }
            return redirectUris.contains(requested) ? Optional.of(requested) : Optional.empty();
        }
    }

    private final List<Client> configured;
    private final SharedIndexInformer<Secret> informer;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** @param client null: configured clients only (tests) */
    public OAuthClients(List<KernelConfig.OAuthClient> configured, KubernetesClient client) {
        List<Client> list = new ArrayList<>();
        for (KernelConfig.OAuthClient c : configured) {
            list.add(new Client(c.id(), c.secret(), true, "auto", List.of("openid", "email", "profile"), List.of(), 0, 0));
        }
        this.configured = List.copyOf(list);
        this.informer = client == null ? null
                : client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).withLabel("config.kubesphere.io/type", "oauthclient").inform();
    }

    public Optional<Client> find(String name) {
        if (informer != null) {
            for (Secret s : informer.getStore().list()) {
                Optional<Client> c = parse(s);
                if (c.isPresent() && c.get().name().equals(name)) {
                    return c;
                }
            }
        }
        return configured.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<Client> all() {
        Map<String, Client> byName = new LinkedHashMap<>();
        configured.forEach(c -> byName.put(c.name(), c));
        if (informer != null) {
            informer.getStore().list().forEach(s -> parse(s).ifPresent(c -> byName.put(c.name(), c)));
        }
        return List.copyOf(byName.values());
    }

    /** Constant-time comparison, so response timing does not leak the secret. */
    public static boolean secretMatches(Client client, String presented) {
        return presented != null && MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private Optional<Client> parse(Secret s) {
        if (!SECRET_TYPE.equals(s.getType())) {
            return Optional.empty();
        }
        String text = null;
        if (s.getData() != null && s.getData().containsKey("configuration.yaml")) {
            text = new String(Base64.getDecoder().decode(s.getData().get("configuration.yaml")), StandardCharsets.UTF_8);
        } else if (s.getStringData() != null) {
            text = s.getStringData().get("configuration.yaml");
        }
        if (text == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> m = yaml.readValue(text, Map.class);
            Object name = m.get("name");
            Object secret = m.get("secret");
            if (name == null || secret == null) {
                return Optional.empty();
            }
            return Optional.of(new Client(String.valueOf(name), String.valueOf(secret), Boolean.TRUE.equals(m.get("trusted")),
                    String.valueOf(m.getOrDefault("grantMethod", "auto")), strings(m.get("scopeRestrictions")),
                    strings(m.get("redirectURIs")), seconds(m.get("accessTokenMaxAgeSeconds")),
                    seconds(m.get("accessTokenInactivityTimeoutSeconds"))));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long seconds(Object o) {
        if (o == null) {
            return 0;
        }
        try {
            return Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
