package io.tessera.kernel.iam.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.idp.IdentityProviders;
import io.tessera.kernel.iam.oauth.OAuthClients;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /kapis/config.kubesphere.io/v1alpha2/configs/{oauth,configz,theme}} as the console reads
 * them at login (reference §1.8, §7.2). {@code configs/oauth} is public: it never carries a key
 * whose name contains "password" or "secret", at any depth.
 */
@Path("configs")
@Produces(MediaType.APPLICATION_JSON)
public final class ConfigResource {

    static final String THEME_CONFIGMAP = "platform-configuration-theme";
    static final String THEME_KEY = "theme.json";

    private final KubernetesClient client;
    private final KernelConfig.Iam iam;
    private final IdentityProviders identityProviders;
    private final OAuthClients oauthClients;
    private final ObjectMapper json = new ObjectMapper();

    public ConfigResource(KubernetesClient client, KernelConfig.Iam iam, IdentityProviders identityProviders, OAuthClients oauthClients) {
        this.client = client;
        this.iam = iam;
        this.identityProviders = identityProviders;
        this.oauthClients = oauthClients;
    }

    @GET
    @Path("oauth")
    public Map<String, Object> oauth() {
        Map<String, Object> issuer = new LinkedHashMap<>();
        // durations as Go serializes time.Duration: integer nanoseconds
        issuer.put("accessTokenMaxAge", nanos(iam.accessTokenMaxAge()));
        issuer.put("accessTokenInactivityTimeout", nanos(iam.accessTokenInactivityTimeout()));
        issuer.put("maximumClockSkew", nanos(Duration.ofSeconds(10)));
        List<Object> providers = identityProviders.configurations().stream().map(ConfigResource::withoutSecrets).toList();
        List<Object> clients = oauthClients.all().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("trusted", c.trusted());
            m.put("grantMethod", c.grantMethod());
            m.put("scopeRestrictions", c.scopeRestrictions());
            m.put("redirectURIs", c.redirectUris());
            return (Object) m;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("issuer", issuer);
        out.put("identityProviders", providers);
        out.put("clients", clients);
        return out;
    }

    /** Deprecated in KubeSphere 4; Tessera has no built-in optional components to report. */
    @GET
    @Path("configz")
    public Map<String, Object> configz() {
        return Map.of();
    }

    @GET
    @Path("theme")
    public Response theme() throws JsonProcessingException {
        ConfigMap cm = client.configMaps().inNamespace(IamTypes.SYSTEM_NAMESPACE).withName(THEME_CONFIGMAP).get();
        String stored = cm == null || cm.getData() == null ? null : cm.getData().get(THEME_KEY);
        return Response.ok(stored == null ? Map.of() : json.readValue(stored, Map.class)).build();
    }

    @PUT
    @Path("theme")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateTheme(Map<String, Object> theme) throws JsonProcessingException {
        if (theme == null) {
            return Response.status(400).type(MediaType.TEXT_PLAIN).entity("request body must be a JSON object").build();
        }
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(THEME_CONFIGMAP).withNamespace(IamTypes.SYSTEM_NAMESPACE)
                .endMetadata().withData(Map.of(THEME_KEY, json.writeValueAsString(theme))).build();
        client.configMaps().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(cm).createOr(e -> e.update());
        return Response.ok(theme).build();
    }

    @SuppressWarnings("unchecked")
    static Object withoutSecrets(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> {
                String key = k.toLowerCase(Locale.ROOT);
                if (!key.contains("password") && !key.contains("secret")) {
                    out.put(k, withoutSecrets(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(ConfigResource::withoutSecrets).toList();
        }
        return value;
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }
}
