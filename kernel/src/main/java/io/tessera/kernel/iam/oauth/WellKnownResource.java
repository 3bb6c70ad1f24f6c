package io.tessera.kernel.iam.oauth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /.well-known/openid-configuration} with KubeSphere's fields (reference §1.6). */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class WellKnownResource {

    @GET
    @Path("openid-configuration")
    public Map<String, Object> openidConfiguration(@Context HttpServletRequest request) {
        String issuer = OAuthResource.issuer(request);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/oauth/authorize");
        m.put("token_endpoint", issuer + "/oauth/token");
        m.put("userinfo_endpoint", issuer + "/oauth/userinfo");
        m.put("jwks_uri", issuer + "/oauth/keys");
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        m.put("response_types_supported", List.of("code", "id_token"));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("code_challenge_methods_supported", List.of("plain", "S256"));
        m.put("scopes_supported", List.of("openid", "email", "profile"));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_post"));
        m.put("claims_supported", List.of("iss", "sub", "aud", "iat", "exp", "email", "locale", "preferred_username"));
        return m;
    }
}
