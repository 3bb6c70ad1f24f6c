package io.tessera.kernel.iam.idp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.users.UserCache;
import io.tessera.kernel.iam.users.UserWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identity providers configured as KubeSphere does (reference §1.8): Secrets of type
 * {@code config.kubesphere.io/identityprovider} in {@code kubesphere-system}, watched live, and the
 * mapping of an external identity to a User ({@code auto}, {@code lookup}; {@code manual} needs the
 * pre-registration flow and is refused for password logins).
 */
public final class IdentityProviders implements AutoCloseable {

    public static final String SECRET_TYPE = "config.kubesphere.io/identityprovider";
    public static final String LABEL_TYPE = "config.kubesphere.io/type";
    private static final Pattern DNS1123 = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    /**
     * An identity an IdP vouched for, and the User it maps to (null if none). {@code preRegistration}:
     * the IdP maps {@code manual}ly and no User is linked yet, so the caller may register one.
     */
    public record Authenticated(Identity identity, GenericKubernetesResource user, String provider, boolean preRegistration) {
    }

    /** What an IdP says about a person. */
    public record Identity(String uid, String username, String email) {
    }

    /** The IdP is unknown, disabled, misconfigured or unreachable; the message is safe to log. */
    public static final class ProviderException extends Exception {
        public ProviderException(String message) {
            super(message);
        }
    }

    /** A provider that checks a username and password itself (LDAP). */
    public interface PasswordProvider {
        /** @return the identity when the password is right, empty when wrong or unknown */
        Optional<Identity> authenticate(String username, String password) throws ProviderException;
    }

    /** A provider the browser returns from ({@code /oauth/callback/<idp>}): CAS, OIDC, GitHub. */
    public interface CallbackProvider {
        /** @return the identity when the callback parameters prove one, empty when they do not */
        Optional<Identity> identity(Map<String, String> params) throws ProviderException;
    }

    private final KubernetesClient client;
    private final SharedIndexInformer<Secret> informer;
    private final UserCache users;
    private final UserWriter writer;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public IdentityProviders(KubernetesClient client, UserCache users, UserWriter writer) {
        this.client = client;
        this.users = users;
        this.writer = writer;
        this.informer = client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).withLabel(LABEL_TYPE, "identityprovider").inform();
    }

    /** Parsed configurations, for {@code configs/oauth} (the caller removes secrets). */
    public List<Map<String, Object>> configurations() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Secret s : informer.getStore().list()) {
            parse(s).ifPresent(out::add);
        }
        out.sort((a, b) -> String.valueOf(a.get("name")).compareTo(String.valueOf(b.get("name"))));
        return out;
    }

    public Optional<Map<String, Object>> configuration(String name) {
        return configurations().stream().filter(c -> name.equals(c.get("name"))).findFirst();
    }

    public Optional<Authenticated> authenticatePassword(String providerName, String username, String password)
            throws ProviderException {
        Map<String, Object> config = configuration(providerName)
                .orElseThrow(() -> new ProviderException("identity provider " + providerName + " not found"));
        if (Boolean.TRUE.equals(config.get("disabled"))) {
            throw new ProviderException("identity provider " + providerName + " is disabled");
        }
        String type = String.valueOf(config.get("type"));
        PasswordProvider provider = switch (type) {
            case "LDAPIdentityProvider" -> new LdapProvider(LdapProvider.Options.from(asMap(config.get("provider"))));
            default -> throw new ProviderException("identity provider " + providerName + " of type " + type
                    + " does not accept passwords");
        };
        Optional<Identity> identity = provider.authenticate(username, password);
        if (identity.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Authenticated(identity.get(), map(providerName, String.valueOf(config.getOrDefault("mappingMethod", "auto")),
                identity.get()), providerName, false));
    }

    /** Completes a browser login at {@code /oauth/callback/<providerName>}. */
    public Optional<Authenticated> authenticateCallback(String providerName, Map<String, String> params) throws ProviderException {
        Map<String, Object> config = configuration(providerName)
                .orElseThrow(() -> new ProviderException("identity provider " + providerName + " not found"));
        if (Boolean.TRUE.equals(config.get("disabled"))) {
            throw new ProviderException("identity provider " + providerName + " is disabled");
        }
        String type = String.valueOf(config.get("type"));
        CallbackProvider provider = switch (type) {
            case "CASIdentityProvider" -> new CasProvider(asMap(config.get("provider")));
            case "OIDCIdentityProvider" -> new OidcProvider(asMap(config.get("provider")));
            case "GitHubIdentityProvider" -> new GitHubProvider(asMap(config.get("provider")));
            default -> throw new ProviderException("identity provider type " + type + " is not supported yet");
        };
        Optional<Identity> identity = provider.identity(params);
        if (identity.isEmpty()) {
            return Optional.empty();
        }
        String mapping = String.valueOf(config.getOrDefault("mappingMethod", "auto"));
        if ("manual".equals(mapping)) {
            GenericKubernetesResource linked = linkedUser(providerName, identity.get().uid()).orElse(null);
            return Optional.of(new Authenticated(identity.get(), linked, providerName, linked == null));
        }
        return Optional.of(new Authenticated(identity.get(), map(providerName, mapping, identity.get()), providerName, false));
    }

    /** The User linked to an identity of an IdP, if exactly one is. */
    public Optional<GenericKubernetesResource> linkedUser(String idp, String uid) {
        String annotation = IamTypes.ANN_IDP_PREFIX + idp;
        List<GenericKubernetesResource> linked = client.genericKubernetesResources(IamTypes.USERS).list().getItems().stream()
                .filter(u -> uid.equals(IamTypes.annotation(u, annotation))).toList();
        return linked.size() == 1 ? Optional.of(linked.get(0)) : Optional.empty();
    }

    /** Finds or (in {@code auto} mode) creates the User of an external identity. */
    GenericKubernetesResource map(String idp, String mappingMethod, Identity identity) throws ProviderException {
        String annotation = IamTypes.ANN_IDP_PREFIX + idp;
        Optional<GenericKubernetesResource> mapped = users.list().stream()
                .filter(u -> identity.uid().equals(IamTypes.annotation(u, annotation))).findFirst();
        if (mapped.isPresent()) {
            return mapped.get();
        }
        switch (mappingMethod) {
            case "lookup":
                return null;
            case "auto":
                return createOrLink(idp, annotation, identity);
            default:
                throw new ProviderException("mapping method " + mappingMethod + " of " + idp + " is not supported for password logins");
        }
    }

    private GenericKubernetesResource createOrLink(String idp, String annotation, Identity identity) throws ProviderException {
        String name = identity.username().toLowerCase(Locale.ROOT);
        if (name.length() > 63 || !DNS1123.matcher(name).matches()) {
            throw new ProviderException("username from " + idp + " is not a valid user name");
        }
        Optional<GenericKubernetesResource> existing = writer.fetch(name);
        if (existing.isPresent() && !IamTypes.str(existing.get(), "spec", "password").isEmpty()) {
            // departure from KubeSphere (which links any same-named user): an external "admin" must
            // never become the local admin; local accounts are linked only by an administrator
            throw new ProviderException("user " + name + " is a local account; it is not linked to " + idp + " automatically");
        }
        Optional<GenericKubernetesResource> linked = writer.modify(name, u -> {
            IamTypes.putAnnotation(u, annotation, identity.uid());
            if (!identity.email().isEmpty()) {
                IamTypes.section(u, "spec").put("email", identity.email());
            }
        });
        if (linked.isPresent()) {
            return linked.get();
        }
        GenericKubernetesResource user = new GenericKubernetesResource();
        user.setApiVersion(IamTypes.API_VERSION);
        user.setKind("User");
        user.setMetadata(new ObjectMetaBuilder().withName(name).withAnnotations(Map.of(annotation, identity.uid())).build());
        if (!identity.email().isEmpty()) {
            IamTypes.section(user, "spec").put("email", identity.email());
        }
        Map<String, Object> status = IamTypes.section(user, "status");
        status.put("state", IamTypes.STATE_ACTIVE);
        status.put("lastTransitionTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        try {
            return client.genericKubernetesResources(IamTypes.USERS).resource(user).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return writer.fetch(name).orElseThrow(() -> new ProviderException("user " + name + " vanished"));
            }
            throw e;
        }
    }

    private Optional<Map<String, Object>> parse(Secret s) {
        if (!SECRET_TYPE.equals(s.getType())) {
            return Optional.empty();
        }
        String text = null;
        if (s.getData() != null && s.getData().containsKey("configuration.yaml")) {
            text = new String(Base64.getDecoder().decode(s.getData().get("configuration.yaml")), StandardCharsets.UTF_8);
        } else if (s.getStringData() != null) {
            // an API server folds stringData into data; the embedded development cluster may not
            text = s.getStringData().get("configuration.yaml");
        }
        if (text == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> m = asMap(yaml.readValue(text, Map.class));
            return m.containsKey("name") ? Optional.of(m) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    }

    @Override
    public void close() {
        informer.close();
    }
}
